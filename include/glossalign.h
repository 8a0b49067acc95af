/*
 * glossalign.h - the whole public API of glossalign: a French/Vietnamese
 * (English pivot) glossary store, text normalisation, term spotting and
 * name resolution. Include this; the module headers follow.
 */
#ifndef GLOSSALIGN_H
#define GLOSSALIGN_H

#include <glossalign/common.h>
#include <glossalign/encoding.h>
#include <glossalign/normalize.h>
#include <glossalign/tokenize.h>

#endif
