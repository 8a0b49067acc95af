/* Compiles the umbrella header alone under -std=c11 -pedantic -Werror. */
#include <glossalign.h>

int gla_header_alone_check(void);
int gla_header_alone_check(void) { return GLA_OK; }
