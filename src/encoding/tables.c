/*
 * Byte tables for the two Vietnamese encodings iconv lacks (TCVN3/ABC and
 * VNI-Windows) and CP1252 for mojibake repair. Written out in full so each
 * byte can be checked against its source; bytes below 0x80 are ASCII.
 */
#include "encoding_int.h"

#include <stddef.h>

/* CP1252 0x80..0x9F (Microsoft's published table, bestfit1252.txt);
 * 0 marks the five undefined bytes 0x81 0x8D 0x8F 0x90 0x9D. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

uint16_t enc_cp1252_cp(unsigned char b)
{
    if (b >= 0x80 && b < 0xA0)
        return cp1252_c1[b - 0x80];
    return b;
}

int enc_sloppy_cp1252_byte(int32_t cp)
{
    if (cp >= 0 && cp < 0x100)
        return (int)cp;
    if (cp < 0x152 || cp > 0x2122 || (cp > 0x2DC && cp < 0x2013))
        return -1; /* outside every CP1252 punctuation character */
    for (int i = 0; i < 32; i++)
        if (cp1252_c1[i] == cp)
            return 0x80 + i;
    return -1;
}

/* The CP1252 rows 0x80..0x9F as table entries, shared by both tables:
 * their fonts were Windows ANSI fonts, so punctuation typed in them
 * (curly quotes, dashes) is stored as CP1252. */
#define CP1252_C1_ROWS                                                       \
    [0x80] = {0x20AC, 0}, [0x82] = {0x201A, 0}, [0x83] = {0x0192, 0},        \
    [0x84] = {0x201E, 0}, [0x85] = {0x2026, 0}, [0x86] = {0x2020, 0},        \
    [0x87] = {0x2021, 0}, [0x88] = {0x02C6, 0}, [0x89] = {0x2030, 0},        \
    [0x8A] = {0x0160, 0}, [0x8B] = {0x2039, 0}, [0x8C] = {0x0152, 0},        \
    [0x8E] = {0x017D, 0}, [0x91] = {0x2018, 0}, [0x92] = {0x2019, 0},        \
    [0x93] = {0x201C, 0}, [0x94] = {0x201D, 0}, [0x95] = {0x2022, 0},        \
    [0x96] = {0x2013, 0}, [0x97] = {0x2014, 0}, [0x98] = {0x02DC, 0},        \
    [0x99] = {0x2122, 0}, [0x9A] = {0x0161, 0}, [0x9B] = {0x203A, 0},        \
    [0x9C] = {0x0153, 0}, [0x9E] = {0x017E, 0}, [0x9F] = {0x0178, 0}

#define ASCII_ROWS8(b)                                                       \
    [b] = {b, 0}, [b + 1] = {b + 1, 0}, [b + 2] = {b + 2, 0},                \
    [b + 3] = {b + 3, 0}, [b + 4] = {b + 4, 0}, [b + 5] = {b + 5, 0},        \
    [b + 6] = {b + 6, 0}, [b + 7] = {b + 7, 0}
#define ASCII_ROWS                                                           \
    ASCII_ROWS8(0x00), ASCII_ROWS8(0x08), ASCII_ROWS8(0x10),                 \
        ASCII_ROWS8(0x18), ASCII_ROWS8(0x20), ASCII_ROWS8(0x28),             \
        ASCII_ROWS8(0x30), ASCII_ROWS8(0x38), ASCII_ROWS8(0x40),             \
        ASCII_ROWS8(0x48), ASCII_ROWS8(0x50), ASCII_ROWS8(0x58),             \
        ASCII_ROWS8(0x60), ASCII_ROWS8(0x68), ASCII_ROWS8(0x70),             \
        ASCII_ROWS8(0x78)

/*
 * TCVN3 ("ABC"): table VN3 of the Vietnamese standard TCVN 5712:1993
 * ("Công nghệ thông tin - Bộ mã chuẩn 8-bit kí tự Việt dùng trong trao đổi
 * thông tin"), the encoding of the ABC .VnTime fonts. VN3 codes the 67
 * toned lowercase vowels, ă â ê ô ơ ư đ and the capitals Ă Â Ê Ô Ơ Ư Đ, at
 * the same positions as VN1 (glibc's TCVN5712-1 charmap agrees byte for
 * byte; tests/test_encoding.c checks it). VN3 has no toned capitals: ABC
 * documents set them in the capital font (.VnTimeH) with the lowercase
 * codes, so they decode as lowercase. Bytes VN3 leaves free decode as in
 * VN1 (its capitals and combining tone marks 0xB0-0xB4), except
 * 0x80-0x9F, which hold CP1252 punctuation.
 */
const enc_table enc_table_tcvn3 = {
    "TCVN3",
    {ASCII_ROWS, CP1252_C1_ROWS,
     [0xA0] = {0x00A0, 0}, /* no-break space */
     [0xA1] = {0x0102, 0}, [0xA2] = {0x00C2, 0}, [0xA3] = {0x00CA, 0},
     [0xA4] = {0x00D4, 0}, [0xA5] = {0x01A0, 0}, [0xA6] = {0x01AF, 0},
     [0xA7] = {0x0110, 0}, [0xA8] = {0x0103, 0}, [0xA9] = {0x00E2, 0},
     [0xAA] = {0x00EA, 0}, [0xAB] = {0x00F4, 0}, [0xAC] = {0x01A1, 0},
     [0xAD] = {0x01B0, 0}, [0xAE] = {0x0111, 0},
     [0xAF] = {0x1EB0, 0}, /* VN1 */
     [0xB0] = {0x0300, 0}, [0xB1] = {0x0309, 0}, [0xB2] = {0x0303, 0},
     [0xB3] = {0x0301, 0}, [0xB4] = {0x0323, 0}, /* VN1 */
     [0xB5] = {0x00E0, 0}, [0xB6] = {0x1EA3, 0}, [0xB7] = {0x00E3, 0},
     [0xB8] = {0x00E1, 0}, [0xB9] = {0x1EA1, 0},
     [0xBA] = {0x1EB2, 0}, /* VN1 */
     [0xBB] = {0x1EB1, 0}, [0xBC] = {0x1EB3, 0}, [0xBD] = {0x1EB5, 0},
     [0xBE] = {0x1EAF, 0},
     [0xBF] = {0x1EB4, 0}, [0xC0] = {0x1EAE, 0}, [0xC1] = {0x1EA6, 0},
     [0xC2] = {0x1EA8, 0}, [0xC3] = {0x1EAA, 0}, [0xC4] = {0x1EA4, 0},
     [0xC5] = {0x1EC0, 0}, /* VN1 */
     [0xC6] = {0x1EB7, 0}, [0xC7] = {0x1EA7, 0}, [0xC8] = {0x1EA9, 0},
     [0xC9] = {0x1EAB, 0}, [0xCA] = {0x1EA5, 0}, [0xCB] = {0x1EAD, 0},
     [0xCC] = {0x00E8, 0},
     [0xCD] = {0x1EC2, 0}, /* VN1 */
     [0xCE] = {0x1EBB, 0}, [0xCF] = {0x1EBD, 0}, [0xD0] = {0x00E9, 0},
     [0xD1] = {0x1EB9, 0}, [0xD2] = {0x1EC1, 0}, [0xD3] = {0x1EC3, 0},
     [0xD4] = {0x1EC5, 0}, [0xD5] = {0x1EBF, 0}, [0xD6] = {0x1EC7, 0},
     [0xD7] = {0x00EC, 0}, [0xD8] = {0x1EC9, 0},
     [0xD9] = {0x1EC4, 0}, [0xDA] = {0x1EBE, 0}, [0xDB] = {0x1ED2, 0},
     /* VN1 */
     [0xDC] = {0x0129, 0}, [0xDD] = {0x00ED, 0}, [0xDE] = {0x1ECB, 0},
     [0xDF] = {0x00F2, 0},
     [0xE0] = {0x1ED4, 0}, /* VN1 */
     [0xE1] = {0x1ECF, 0}, [0xE2] = {0x00F5, 0}, [0xE3] = {0x00F3, 0},
     [0xE4] = {0x1ECD, 0}, [0xE5] = {0x1ED3, 0}, [0xE6] = {0x1ED5, 0},
     [0xE7] = {0x1ED7, 0}, [0xE8] = {0x1ED1, 0}, [0xE9] = {0x1ED9, 0},
     [0xEA] = {0x1EDD, 0}, [0xEB] = {0x1EDF, 0}, [0xEC] = {0x1EE1, 0},
     [0xED] = {0x1EDB, 0}, [0xEE] = {0x1EE3, 0}, [0xEF] = {0x00F9, 0},
     [0xF0] = {0x1ED6, 0}, /* VN1 */
     [0xF1] = {0x1EE7, 0}, [0xF2] = {0x0169, 0}, [0xF3] = {0x00FA, 0},
     [0xF4] = {0x1EE5, 0}, [0xF5] = {0x1EEB, 0}, [0xF6] = {0x1EED, 0},
     [0xF7] = {0x1EEF, 0}, [0xF8] = {0x1EE9, 0}, [0xF9] = {0x1EF1, 0},
     [0xFA] = {0x1EF3, 0}, [0xFB] = {0x1EF7, 0}, [0xFC] = {0x1EF9, 0},
     [0xFD] = {0x00FD, 0}, [0xFE] = {0x1EF5, 0},
     [0xFF] = {0x1ED0, 0} /* VN1 */}};

/* Combining marks used below. */
#define GRAVE 0x0300
#define ACUTE 0x0301
#define CIRC 0x0302
#define TILDE 0x0303
#define BREVE 0x0306
#define HOOK 0x0309
#define DOTB 0x0323

/*
 * VNI-Windows, the font encoding VNI Software Co. published with its
 * VNI-Times family of Windows fonts (GNU recode 3.6 carries the same table
 * as "VNI", except that it swaps uppercase Ắ and Ằ; tests compare with it
 * when recode is installed). A vowel is
 * written as its ASCII base letter followed by one byte for its marks
 * (circumflex, breve, tone, or a circumflex/breve and tone together);
 * ơ ư đ, i with a tone and ỵ are single bytes. The mark bytes come in a
 * lowercase (0xE0-0xFC) and an uppercase (0xC0-0xDC) set. Other bytes
 * are CP1252, as in any Windows ANSI font.
 */
const enc_table enc_table_vni = {
    "VNI",
    {ASCII_ROWS, CP1252_C1_ROWS,
     [0xA0] = {0x00A0, 0}, [0xA1] = {0x00A1, 0}, [0xA2] = {0x00A2, 0},
     [0xA3] = {0x00A3, 0}, [0xA4] = {0x00A4, 0}, [0xA5] = {0x00A5, 0},
     [0xA6] = {0x00A6, 0}, [0xA7] = {0x00A7, 0}, [0xA8] = {0x00A8, 0},
     [0xA9] = {0x00A9, 0}, [0xAA] = {0x00AA, 0}, [0xAB] = {0x00AB, 0},
     [0xAC] = {0x00AC, 0}, [0xAD] = {0x00AD, 0}, [0xAE] = {0x00AE, 0},
     [0xAF] = {0x00AF, 0}, [0xB0] = {0x00B0, 0}, [0xB1] = {0x00B1, 0},
     [0xB2] = {0x00B2, 0}, [0xB3] = {0x00B3, 0}, [0xB4] = {0x00B4, 0},
     [0xB5] = {0x00B5, 0}, [0xB6] = {0x00B6, 0}, [0xB7] = {0x00B7, 0},
     [0xB8] = {0x00B8, 0}, [0xB9] = {0x00B9, 0}, [0xBA] = {0x00BA, 0},
     [0xBB] = {0x00BB, 0}, [0xBC] = {0x00BC, 0}, [0xBD] = {0x00BD, 0},
     [0xBE] = {0x00BE, 0}, [0xBF] = {0x00BF, 0},
     /* uppercase mark bytes, after A E O U Y */
     [0xC0] = {CIRC, GRAVE}, [0xC1] = {CIRC, ACUTE}, [0xC2] = {CIRC, 0},
     [0xC3] = {CIRC, TILDE}, [0xC4] = {CIRC, DOTB}, [0xC5] = {CIRC, HOOK},
     [0xC6] = {0x1EC8, 0}, /* Ỉ */
     [0xC7] = {0x00C7, 0},
     [0xC8] = {BREVE, GRAVE}, [0xC9] = {BREVE, ACUTE}, [0xCA] = {BREVE, 0},
     [0xCB] = {BREVE, DOTB},
     [0xCC] = {0x00CC, 0}, /* Ì */
     [0xCD] = {0x00CD, 0}, /* Í */
     [0xCE] = {0x1EF4, 0}, /* Ỵ */
     [0xCF] = {DOTB, 0},
     [0xD0] = {0x00D0, 0},
     [0xD1] = {0x0110, 0}, /* Đ */
     [0xD2] = {0x1ECA, 0}, /* Ị */
     [0xD3] = {0x0128, 0}, /* Ĩ */
     [0xD4] = {0x01A0, 0}, /* Ơ */
     [0xD5] = {TILDE, 0},
     [0xD6] = {0x01AF, 0}, /* Ư */
     [0xD7] = {0x00D7, 0},
     [0xD8] = {GRAVE, 0}, [0xD9] = {ACUTE, 0}, [0xDA] = {BREVE, HOOK},
     [0xDB] = {HOOK, 0}, [0xDC] = {BREVE, TILDE},
     [0xDD] = {0x00DD, 0}, [0xDE] = {0x00DE, 0}, [0xDF] = {0x00DF, 0},
     /* lowercase mark bytes, after a e o u y */
     [0xE0] = {CIRC, GRAVE}, [0xE1] = {CIRC, ACUTE}, [0xE2] = {CIRC, 0},
     [0xE3] = {CIRC, TILDE}, [0xE4] = {CIRC, DOTB}, [0xE5] = {CIRC, HOOK},
     [0xE6] = {0x1EC9, 0}, /* ỉ */
     [0xE7] = {0x00E7, 0},
     [0xE8] = {BREVE, GRAVE}, [0xE9] = {BREVE, ACUTE}, [0xEA] = {BREVE, 0},
     [0xEB] = {BREVE, DOTB},
     [0xEC] = {0x00EC, 0}, /* ì */
     [0xED] = {0x00ED, 0}, /* í */
     [0xEE] = {0x1EF5, 0}, /* ỵ */
     [0xEF] = {DOTB, 0},
     [0xF0] = {0x00F0, 0},
     [0xF1] = {0x0111, 0}, /* đ */
     [0xF2] = {0x1ECB, 0}, /* ị */
     [0xF3] = {0x0129, 0}, /* ĩ */
     [0xF4] = {0x01A1, 0}, /* ơ */
     [0xF5] = {TILDE, 0},
     [0xF6] = {0x01B0, 0}, /* ư */
     [0xF7] = {0x00F7, 0},
     [0xF8] = {GRAVE, 0}, [0xF9] = {ACUTE, 0}, [0xFA] = {BREVE, HOOK},
     [0xFB] = {HOOK, 0}, [0xFC] = {BREVE, TILDE},
     [0xFD] = {0x00FD, 0}, [0xFE] = {0x00FE, 0}, [0xFF] = {0x00FF, 0}}};
