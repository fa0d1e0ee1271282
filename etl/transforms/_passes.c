/* Text passes of the tagger in C: etl.text.plain_text's space passes and its tag passes
   (_tags_as_lines), the tagger's search_key and _glued_words (given the images of the characters
   that are not ASCII), its alias search (an automaton of the keys: alias_automaton, alias_hits)
   and the test whether its glued words hold a glued form (glued_forms_in, with an automaton of
   the forms). Beside them, loops over arrays: dedup's text keys, shingles and signatures and
   the app's counts of technology sets naming known technologies (set_counts, radar/sets.py).
   Each returns None where it does not apply (the Python pass runs then). The Python passes are
   the reference: tests/test_c_passes.py checks that these give the same strings, on real
   postings and on generated hostile texts.
   Each pass is written once, over a text's characters as CPython stores them (one, two or
   four bytes each: its "kind"); plain_text is compiled once for each kind.
   Built by python -m etl.compile beside the compiled tagger (docs/build_speed.md). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define PREFETCH(address) __builtin_prefetch(address)
#else
#define ALWAYS_INLINE static inline
#define PREFETCH(address) ((void)0)
#endif

#define AT(kind, data, i) PyUnicode_READ(kind, data, i)

/* the tests on characters: \w, \d, \s and \b as Python's re sees them in a str (its word
   characters are str.isalnum() and "_", its digits the decimal ones, its white space
   str.isspace()); the letters of the rules are ASCII only */
static inline int is_word(Py_UCS4 c) {
    if (c >= 128) return Py_UNICODE_ISALNUM(c);
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
static inline int is_digit(Py_UCS4 c) {
    return c < 128 ? c >= '0' && c <= '9' : Py_UNICODE_ISDECIMAL(c);
}
static inline int is_white(Py_UCS4 c) {
    if (c >= 128) return Py_UNICODE_ISSPACE(c);
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}
static inline int is_upper(Py_UCS4 c) { return c >= 'A' && c <= 'Z'; }
static inline int is_lower(Py_UCS4 c) { return c >= 'a' && c <= 'z'; }
static inline int is_letter(Py_UCS4 c) { return is_upper(c) || is_lower(c); }
/* what plain_text joins into one space: spaces, tabs and no-break spaces */
static inline int is_blank(Py_UCS4 c) { return c == ' ' || c == '\t' || c == 0xa0; }

/* the first i >= from where s[i] is c (an ASCII character), or n: memchr where each character
   is a byte */
ALWAYS_INLINE Py_ssize_t next_of(int kind, const void *s, Py_ssize_t n, Py_ssize_t from,
                                 Py_UCS4 c) {
    if (from >= n) return n;
    if (kind == PyUnicode_1BYTE_KIND) {
        const unsigned char *at = memchr((const unsigned char *)s + from, (int)c,
                                         (size_t)(n - from));
        return at == NULL ? n : at - (const unsigned char *)s;
    }
    for (; from < n; from++)
        if (AT(kind, s, from) == c) return from;
    return n;
}

/* whether s[at:] starts with word (ASCII) and a word boundary follows it */
static int word_at(int kind, const void *s, Py_ssize_t n, Py_ssize_t at, const char *word) {
    Py_ssize_t len = (Py_ssize_t)strlen(word);
    if (at + len > n) return 0;
    for (Py_ssize_t j = 0; j < len; j++)
        if (AT(kind, s, at + j) != (Py_UCS4)(unsigned char)word[j]) return 0;
    return at + len == n || !is_word(AT(kind, s, at + len));
}

/* _DOTS: whether the dot at i becomes a space */
static int dot_goes(int kind, const void *s, Py_ssize_t n, Py_ssize_t i) {
    if (i + 1 >= n || !is_word(AT(kind, s, i + 1))) return 1;                /* (?!\w) */
    if (i < 2 || !is_letter(AT(kind, s, i - 2)) || !is_letter(AT(kind, s, i - 1))) return 0;
    Py_UCS4 next = AT(kind, s, i + 1);
    if (!(is_digit(next) || (i + 3 < n && is_upper(next) && is_lower(AT(kind, s, i + 2))
                             && is_lower(AT(kind, s, i + 3)))))
        return 0;
    return !(word_at(kind, s, n, i + 1, "Net") || word_at(kind, s, n, i + 1, "Js")
             || word_at(kind, s, n, i + 1, "Io"));
}

/* the image of a character: the bytes table for ASCII, else table[ord(c)] (a dict of ints;
   the tagger's tables fill themselves in __missing__) */
static int mapped(Py_UCS4 c, const unsigned char *ascii, PyObject *table, Py_UCS4 *image) {
    if (c < 128) { *image = ascii[c]; return 0; }
    PyObject *code = PyLong_FromUnsignedLong(c);
    if (code == NULL) return -1;
    PyObject *value = PyObject_GetItem(table, code);
    Py_DECREF(code);
    if (value == NULL) return -1;
    unsigned long v = PyLong_AsUnsignedLong(value);
    Py_DECREF(value);
    if (v == (unsigned long)-1 && PyErr_Occurred()) return -1;
    if (v > 0x10FFFF) {
        PyErr_SetString(PyExc_ValueError, "a table maps to a code point past U+10FFFF");
        return -1;
    }
    *image = (Py_UCS4)v;
    return 0;
}

/* the images of n characters of one width into out, of one width: an ASCII character's from the
   bytes table, any other's from mapped (a character met again, such as the dash or quote of
   every line, is looked up once while no other comes between); -1 with an exception */
#define IMAGES_OF(IN, OUT)                                                                    \
    static int images_##IN##_##OUT(const IN *s, Py_ssize_t n, const unsigned char *ascii,    \
                                   PyObject *table, OUT *o) {                                 \
        Py_UCS4 last = 0, last_image = 0; /* 0: none looked up yet (NUL is ASCII) */          \
        for (Py_ssize_t i = 0; i < n; i++) {                                                  \
            Py_UCS4 c = s[i];                                                                 \
            if (c < 128) { o[i] = (OUT)ascii[c]; continue; }                                  \
            if (c != last) {                                                                  \
                if (mapped(c, ascii, table, &last_image) < 0) return -1;                      \
                if (sizeof(OUT) == 1 && last_image > 127) {                                   \
                    PyErr_SetString(PyExc_ValueError, "a shape table maps past ASCII");       \
                    return -1;                                                                \
                }                                                                             \
                last = c;                                                                     \
            }                                                                                 \
            o[i] = (OUT)last_image;                                                           \
        }                                                                                     \
        return 0;                                                                             \
    }
IMAGES_OF(Py_UCS1, Py_UCS1)
IMAGES_OF(Py_UCS2, Py_UCS1)
IMAGES_OF(Py_UCS4, Py_UCS1)
IMAGES_OF(Py_UCS1, Py_UCS4)
IMAGES_OF(Py_UCS2, Py_UCS4)
IMAGES_OF(Py_UCS4, Py_UCS4)

/* the images of text's characters into out, of kind out_kind (one byte each for an ASCII
   text; where it is one byte each, an image past ASCII is refused); -1 with an exception */
static int images(PyObject *text, const unsigned char *ascii, PyObject *table, int out_kind,
                  void *out) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (PyUnicode_IS_ASCII(text)) {
        const unsigned char *s = PyUnicode_1BYTE_DATA(text);
        unsigned char *o = out;
        Py_ssize_t i = 0;
        for (; i + 8 <= n; i += 8) {  /* eight at a time: fewer loop tests than characters */
            o[i] = ascii[s[i]]; o[i + 1] = ascii[s[i + 1]]; o[i + 2] = ascii[s[i + 2]];
            o[i + 3] = ascii[s[i + 3]]; o[i + 4] = ascii[s[i + 4]]; o[i + 5] = ascii[s[i + 5]];
            o[i + 6] = ascii[s[i + 6]]; o[i + 7] = ascii[s[i + 7]];
        }
        for (; i < n; i++) o[i] = ascii[s[i]];
        return 0;
    }
    int kind = PyUnicode_KIND(text);
    const void *s = PyUnicode_DATA(text);
    if (out_kind == PyUnicode_1BYTE_KIND) {
        if (kind == PyUnicode_1BYTE_KIND) return images_Py_UCS1_Py_UCS1(s, n, ascii, table, out);
        if (kind == PyUnicode_2BYTE_KIND) return images_Py_UCS2_Py_UCS1(s, n, ascii, table, out);
        return images_Py_UCS4_Py_UCS1(s, n, ascii, table, out);
    }
    if (out_kind == PyUnicode_4BYTE_KIND) {
        if (kind == PyUnicode_1BYTE_KIND) return images_Py_UCS1_Py_UCS4(s, n, ascii, table, out);
        if (kind == PyUnicode_2BYTE_KIND) return images_Py_UCS2_Py_UCS4(s, n, ascii, table, out);
        return images_Py_UCS4_Py_UCS4(s, n, ascii, table, out);
    }
    PyErr_SetString(PyExc_SystemError, "images: out_kind must be one or four bytes");
    return -1;
}

/* the table (bytes) of a pass: at least 128 bytes, one for each ASCII character */
static int table_of(Py_buffer *table) {
    if (table->len >= 128) return 1;
    PyBuffer_Release(table);
    PyErr_SetString(PyExc_ValueError, "the table must hold at least 128 bytes");
    return 0;
}

static PyObject *search_key(PyObject *self, PyObject *args) {
    PyObject *text, *others = Py_None;
    Py_buffer table;
    if (!PyArg_ParseTuple(args, "Uy*|O", &text, &table, &others) || !table_of(&table))
        return NULL;
    int ascii = PyUnicode_IS_ASCII(text);
    if (!ascii && others == Py_None) { PyBuffer_Release(&table); Py_RETURN_NONE; }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *s = PyUnicode_DATA(text);
    /* the key: the table's images, then the rules; for an ASCII text, written in place in the
       string returned (its table keeps ASCII in ASCII), else four bytes a character first */
    int key_kind = ascii ? PyUnicode_1BYTE_KIND : PyUnicode_4BYTE_KIND;
    PyObject *out = ascii ? PyUnicode_New(n, 127) : NULL;
    void *k = ascii ? (out == NULL ? NULL : PyUnicode_1BYTE_DATA(out))
                    : PyMem_Malloc((size_t)n * 4 + 1);
    if (k == NULL) {
        PyBuffer_Release(&table);
        return ascii ? NULL : PyErr_NoMemory();
    }
    int failed = images(text, table.buf, others, key_kind, k) < 0;
    PyBuffer_Release(&table);
    if (failed) {
        if (ascii) Py_DECREF(out); else PyMem_Free(k);
        return NULL;
    }
    /* _DOTS, over the text: the table keeps every dot */
    for (Py_ssize_t i = next_of(kind, s, n, 0, '.'); i < n; i = next_of(kind, s, n, i + 1, '.'))
        if (dot_goes(kind, s, n, i)) PyUnicode_WRITE(key_kind, k, i, ' ');
    /* _PLUS_NOT_SUFFIX, over the key as it was before this pass */
    Py_ssize_t replaced = -1;  /* the last "+" made a space */
    for (Py_ssize_t i = next_of(key_kind, k, n, 0, '+'); i < n;
         i = next_of(key_kind, k, n, i + 1, '+')) {
        Py_UCS4 before = i == 0 ? 0 : (i - 1 == replaced ? '+' : AT(key_kind, k, i - 1));
        int first = i == 0 || !(is_word(before) || before == '+');
        int glued = i > 0 && is_word(before) && i + 1 < n && is_letter(AT(key_kind, k, i + 1));
        if (first || glued) { PyUnicode_WRITE(key_kind, k, i, ' '); replaced = i; }
    }
    /* _HASH_NOT_SUFFIX */
    for (Py_ssize_t i = next_of(key_kind, k, n, 0, '#'); i < n;
         i = next_of(key_kind, k, n, i + 1, '#'))
        if (i == 0 || !is_word(AT(key_kind, k, i - 1))) PyUnicode_WRITE(key_kind, k, i, ' ');
    if (ascii) return out;
    out = PyUnicode_FromKindAndData(key_kind, k, n);
    PyMem_Free(k);
    return out;
}

/* eight characters of ASCII text at once (SWAR): 0x80 in each byte of the answer where the
   test holds, exact for bytes below 0x80 (no carry crosses a byte) */
#define ONES 0x0101010101010101ULL
static inline uint64_t eight(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
static inline uint64_t below_space(uint64_t v) { return ~(v + 0x60 * ONES) & (0x80 * ONES); }
static inline uint64_t spaces(uint64_t v) {
    uint64_t t = v ^ (0x20 * ONES);
    return ~(t + 0x7f * ONES) & (0x80 * ONES);
}

/* plain_text's space passes over a text (NFKC) of one kind: kind is a constant at each call,
   so the compiler makes one loop for each */
ALWAYS_INLINE PyObject *plain_of_kind(PyObject *text, int kind) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const void *s = PyUnicode_DATA(text);
    int ascii = kind == PyUnicode_1BYTE_KIND && PyUnicode_IS_ASCII(text);
    char *o = PyMem_Malloc((size_t)n * (size_t)kind + 1);
    if (o == NULL) return PyErr_NoMemory();
    Py_ssize_t m = 0;
    /* "\r\n" and "\r" as "\n"; each run of spaces, tabs and no-break spaces as one space, none
       beside a break */
    for (Py_ssize_t i = 0; i < n; i++) {
        /* in ASCII text, eight characters copied as they are when none of them (nor the ninth)
           is a control character, no space among them is followed by another, and no break
           is before them */
        while (ascii && i + 9 <= n && !(m > 0 && o[m - 1] == '\n')) {
            const unsigned char *p = (const unsigned char *)s + i;
            uint64_t x = eight(p), y = eight(p + 1);
            if (below_space(x) | below_space(y) | (spaces(x) & spaces(y))) break;
            memcpy(o + m, p, 8);
            m += 8;
            i += 8;
        }
        if (i >= n) break;
        Py_UCS4 c = AT(kind, s, i);
        if (c > ' ' && c != 0xa0) {  /* most characters */
            PyUnicode_WRITE(kind, o, m, c);
            m++;
            continue;
        }
        if (is_blank(c)) {
            while (i + 1 < n && is_blank(AT(kind, s, i + 1))) i++;
            if ((m > 0 && AT(kind, o, m - 1) == '\n')
                || (i + 1 < n && (AT(kind, s, i + 1) == '\n' || AT(kind, s, i + 1) == '\r')))
                continue;
            c = ' ';
        } else if (c == '\r') {
            if (i + 1 < n && AT(kind, s, i + 1) == '\n') i++;
            c = '\n';
        }
        PyUnicode_WRITE(kind, o, m, c);
        m++;
    }
    /* _BLANK_LINES, in place: a break, white space and more breaks, through the last break of
       the run, as two breaks */
    Py_ssize_t w = 0, r = 0;
    while (r < m) {
        Py_ssize_t at = next_of(kind, o, m, r, '\n');
        if (w != r) memmove(o + w * kind, o + r * kind, (size_t)(at - r) * (size_t)kind);
        w += at - r;
        if (at == m) break;
        Py_ssize_t j = at + 1, last = -1;
        while (j < m && is_white(AT(kind, o, j))) { if (AT(kind, o, j) == '\n') last = j; j++; }
        PyUnicode_WRITE(kind, o, w, '\n');
        w++;
        if (last >= 0) { PyUnicode_WRITE(kind, o, w, '\n'); w++; r = last + 1; }
        else r = at + 1;
    }
    /* strip */
    Py_ssize_t lo = 0, hi = w;
    while (lo < hi && is_white(AT(kind, o, lo))) lo++;
    while (hi > lo && is_white(AT(kind, o, hi - 1))) hi--;
    PyObject *out = ascii ? PyUnicode_New(hi - lo, 127)  /* ASCII still: no need to look */
                          : PyUnicode_FromKindAndData(kind, o + lo * kind, hi - lo);
    if (ascii && out != NULL) memcpy(PyUnicode_1BYTE_DATA(out), o + lo, (size_t)(hi - lo));
    PyMem_Free(o);
    return out;
}

static PyObject *plain_text(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "plain_text takes a str");
        return NULL;
    }
    switch (PyUnicode_KIND(text)) {
        case PyUnicode_1BYTE_KIND: return plain_of_kind(text, PyUnicode_1BYTE_KIND);
        case PyUnicode_2BYTE_KIND: return plain_of_kind(text, PyUnicode_2BYTE_KIND);
        default: return plain_of_kind(text, PyUnicode_4BYTE_KIND);
    }
}

static PyObject *glued_words(PyObject *self, PyObject *args) {
    PyObject *text, *others = Py_None;
    Py_buffer table;
    if (!PyArg_ParseTuple(args, "Uy*|O", &text, &table, &others) || !table_of(&table))
        return NULL;
    if (!PyUnicode_IS_ASCII(text) && others == Py_None) {
        PyBuffer_Release(&table);
        Py_RETURN_NONE;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *shape = PyUnicode_New(n, 127);  /* ASCII whatever the text (a, A, 0 or a space) */
    PyObject *words = PyList_New(0);
    if (shape == NULL || words == NULL) {
        PyBuffer_Release(&table); Py_XDECREF(shape); Py_XDECREF(words);
        return NULL;
    }
    unsigned char *h = PyUnicode_1BYTE_DATA(shape);
    int failed = images(text, table.buf, others, PyUnicode_1BYTE_KIND, h) < 0;
    PyBuffer_Release(&table);
    if (failed) { Py_DECREF(shape); Py_DECREF(words); return NULL; }
    Py_ssize_t end = -1;
    /* each "aA" (a lower-then-upper change) from an upper-case character: fewer than lower */
    for (Py_ssize_t upper = next_of(PyUnicode_1BYTE_KIND, h, n, 1, 'A'); upper < n;
         upper = next_of(PyUnicode_1BYTE_KIND, h, n, upper + 1, 'A')) {
        Py_ssize_t cut = upper - 1;
        if (h[cut] != 'a' || cut < end) continue;
        Py_ssize_t start = cut;
        while (start > 0 && h[start - 1] != ' ') start--;
        end = cut;
        while (end < n && h[end] != ' ') end++;
        PyObject *word = Py_BuildValue("(nn)", start, end);
        if (word == NULL || PyList_Append(words, word) < 0) {
            Py_XDECREF(word); Py_DECREF(shape); Py_DECREF(words);
            return NULL;
        }
        Py_DECREF(word);
    }
    return Py_BuildValue("(NN)", shape, words);
}

/* --- etl.text's tag passes -------------------------------------------------------------- */

/* the three passes of etl.text._tags_as_lines, in its order: _LI_TAG, _BLOCK_TAGS, _ANY_TAG */
enum tag_pass { LI_TAG, BLOCK_TAG, ANY_TAG };
/* the longest run of characters other than ">" inside a tag of _ANY_TAG */
#define ANY_TAG_INSIDE 2000

/* whether c is the ASCII lower-case letter under re.IGNORECASE in a str: the letter in either
   case, and for "i" also U+0130 and U+0131, which Python's re folds with it */
static inline int letter_is(Py_UCS4 c, char lower) {
    if (c == (Py_UCS4)lower || c == (Py_UCS4)(lower - 32)) return 1;
    return lower == 'i' && (c == 0x130 || c == 0x131);
}

/* whether s[at:] starts with name (lower-case ASCII letters, "#" for a \d) followed by \b */
static int tag_name_at(int kind, const void *s, Py_ssize_t n, Py_ssize_t at, const char *name) {
    for (; *name; name++, at++) {
        if (at >= n) return 0;
        Py_UCS4 c = AT(kind, s, at);
        if (*name == '#' ? !is_digit(c) : !letter_is(c, *name)) return 0;
    }
    return at == n || !is_word(AT(kind, s, at));
}

/* _BLOCK_TAGS' names: after "<" and white space, one of these, then \b ("/br" is not one) */
static const char *const BLOCK_NAMES[] = {"br", "p", "div", "li", "h#", "tr", "ul", "ol", NULL};
static const char *const CLOSING_NAMES[] = {"p", "div", "li", "h#", "tr", "ul", "ol", NULL};

/* whether the pass's pattern, without its "[^>]*>" end, matches at s[i] == "<" */
static int tag_opens(enum tag_pass pass, int kind, const void *s, Py_ssize_t n, Py_ssize_t i) {
    Py_ssize_t j = i + 1;
    while (j < n && is_white(AT(kind, s, j))) j++;  /* \s* */
    if (pass == LI_TAG) return tag_name_at(kind, s, n, j, "li");
    const char *const *names = BLOCK_NAMES;
    if (j < n && AT(kind, s, j) == '/') { names = CLOSING_NAMES; j++; }
    for (; *names; names++)
        if (tag_name_at(kind, s, n, j, *names)) return 1;
    return 0;
}

/* one pass over s (n characters of kind) into out (room for n): each match from a "<" to the
   first ">" after it replaced by the pass's replacement, left to right as re.sub does;
   returns the characters written */
static Py_ssize_t tag_pass(enum tag_pass pass, int kind, const void *s, Py_ssize_t n,
                           void *out) {
    static const char *const REPLACEMENT[] = {"\n- ", "\n", ""};
    const char *with = REPLACEMENT[pass];
    Py_ssize_t w = 0, from = 0, close = -1;
    for (Py_ssize_t i = next_of(kind, s, n, 0, '<'); i < n; i = next_of(kind, s, n, i + 1, '<')) {
        if (close < i) {  /* the first ">" after this "<" (the last one found is still it) */
            close = next_of(kind, s, n, i + 1, '>');
            if (close == n) break;  /* no ">" from here on: no later "<" can match either */
        }
        if (pass == ANY_TAG ? close - i - 1 > ANY_TAG_INSIDE : !tag_opens(pass, kind, s, n, i))
            continue;
        memcpy((char *)out + w * kind, (const char *)s + from * kind, (size_t)((i - from) * kind));
        w += i - from;
        for (const char *c = with; *c; c++) PyUnicode_WRITE(kind, out, w++, (Py_UCS4)*c);
        from = close + 1;
        i = close;
    }
    memcpy((char *)out + w * kind, (const char *)s + from * kind, (size_t)((n - from) * kind));
    return w + n - from;
}

static PyObject *tags_as_lines(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "tags_as_lines takes a str");
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    /* no pass lengthens the text: each match holds at least as many characters as it becomes
       ("<li>" four, "\n- " three) */
    size_t room = (size_t)(n ? n : 1) * (size_t)kind;
    char *a = PyMem_Malloc(room), *b = PyMem_Malloc(room);
    if (a == NULL || b == NULL) {
        PyMem_Free(a); PyMem_Free(b);
        return PyErr_NoMemory();
    }
    n = tag_pass(LI_TAG, kind, PyUnicode_DATA(text), n, a);
    n = tag_pass(BLOCK_TAG, kind, a, n, b);
    n = tag_pass(ANY_TAG, kind, b, n, a);
    PyObject *out = PyUnicode_FromKindAndData(kind, a, n);  /* its widest character decides */
    PyMem_Free(a); PyMem_Free(b);
    return out;
}

/* --- etl.transforms.dedup's signatures -------------------------------------------------- */

/* v (m values) in ascending order: insertion for a few, else four counting passes of a byte
   each (tmp: room for m) */
static void sort_u32(uint32_t *v, uint32_t *tmp, Py_ssize_t m) {
    if (m <= 32) {
        for (Py_ssize_t i = 1; i < m; i++) {
            uint32_t x = v[i];
            Py_ssize_t j = i;
            for (; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
            v[j] = x;
        }
        return;
    }
    for (int shift = 0; shift < 32; shift += 8) {
        Py_ssize_t count[257] = {0};
        for (Py_ssize_t i = 0; i < m; i++) count[((v[i] >> shift) & 0xff) + 1]++;
        for (int d = 0; d < 256; d++) count[d + 1] += count[d];
        for (Py_ssize_t i = 0; i < m; i++) tmp[count[(v[i] >> shift) & 0xff]++] = v[i];
        memcpy(v, tmp, sizeof(uint32_t) * (size_t)m);
    }
}

/* the bin of a hash: its remainder by the number of bins (a constant for the usual 30, so the
   compiler need not divide) */
static inline Py_ssize_t bin_of(uint64_t h, Py_ssize_t bins) {
    return bins == 30 ? (Py_ssize_t)(h % 30) : (Py_ssize_t)(h % (uint64_t)bins);
}

/* What the signatures of some texts make, one text after another (Signer_open sizes it for
   `texts` texts of `shingles` shingles in all, the longest `longest`). */
typedef struct {
    Py_ssize_t bins, bands, per_band, sketch_size, t, nkeys, nkept;
    const uint64_t *bin_mix, *band_salt;
    int64_t *ids; int32_t *band_at, *sketch_at, *counts;
    uint64_t *keys, *minima;
    uint32_t *small, *spare, *kept;
    char *present;
} Signer;

static int Signer_open(Signer *s, Py_ssize_t texts, Py_ssize_t shingles, Py_ssize_t longest) {
    s->t = s->nkeys = s->nkept = 0;
    s->ids = PyMem_Malloc(sizeof(int64_t) * (texts + 1));
    s->band_at = PyMem_Malloc(sizeof(int32_t) * (texts + 1));
    s->sketch_at = PyMem_Malloc(sizeof(int32_t) * (texts + 1));
    s->counts = PyMem_Malloc(sizeof(int32_t) * (texts + 1));
    s->keys = PyMem_Malloc(sizeof(uint64_t) * (texts * s->bands + 1));
    s->kept = PyMem_Malloc(sizeof(uint32_t) * (shingles + 1));
    s->small = PyMem_Malloc(sizeof(uint32_t) * (longest + 1));
    s->spare = PyMem_Malloc(sizeof(uint32_t) * (longest + 1));
    s->minima = PyMem_Malloc(sizeof(uint64_t) * s->bins);
    s->present = PyMem_Malloc((size_t)s->bins);
    if (!s->ids || !s->band_at || !s->sketch_at || !s->counts || !s->keys || !s->kept
            || !s->small || !s->spare || !s->minima || !s->present) {
        PyErr_NoMemory();
        return 0;
    }
    s->band_at[0] = s->sketch_at[0] = 0;
    return 1;
}

static void Signer_close(Signer *s) {
    PyMem_Free(s->ids); PyMem_Free(s->band_at); PyMem_Free(s->sketch_at);
    PyMem_Free(s->counts); PyMem_Free(s->keys); PyMem_Free(s->kept); PyMem_Free(s->small);
    PyMem_Free(s->spare); PyMem_Free(s->minima); PyMem_Free(s->present);
}

/* one text's signature (its id, its m shingle hashes h): its band keys in ascending order,
   the smallest sketch_size distinct high halves of its hashes, their number */
static void Signer_add(Signer *s, int64_t id, const uint64_t *h, Py_ssize_t m) {
    Py_ssize_t bins = s->bins;
    memset(s->present, 0, (size_t)bins);
    for (Py_ssize_t i = 0; i < m; i++) {
        Py_ssize_t bin = bin_of(h[i], bins);
        if (!s->present[bin] || h[i] < s->minima[bin]) s->minima[bin] = h[i];
        s->present[bin] = 1;
        s->small[i] = (uint32_t)(h[i] >> 32);
    }
    Py_ssize_t first = s->nkeys;
    for (Py_ssize_t b = 0; b < s->bands; b++) {
        uint64_t sum = 0;
        int any = 0;
        for (Py_ssize_t k = b * s->per_band; k < (b + 1) * s->per_band; k++)
            if (s->present[k]) { sum += s->minima[k] * s->bin_mix[k]; any = 1; }
        if (!any) continue;
        uint64_t key = sum ^ s->band_salt[b];
        Py_ssize_t j = s->nkeys++;  /* insertion: the text's keys in ascending order */
        for (; j > first && s->keys[j - 1] > key; j--) s->keys[j] = s->keys[j - 1];
        s->keys[j] = key;
    }
    Py_ssize_t distinct = 0;
    sort_u32(s->small, s->spare, m);
    for (Py_ssize_t i = 0; i < m; i++) {
        if (i && s->small[i] == s->small[i - 1]) continue;
        if (distinct++ < s->sketch_size) s->kept[s->nkept++] = s->small[i];
    }
    s->ids[s->t] = id;
    s->counts[s->t] = (int32_t)distinct;
    s->band_at[s->t + 1] = (int32_t)s->nkeys;
    s->sketch_at[s->t + 1] = (int32_t)s->nkept;
    s->t++;
}

static PyObject *Signer_result(Signer *s) {
    Py_ssize_t texts = s->t;
    return Py_BuildValue("(y#y#y#y#y#y#)", (const char *)s->ids, (Py_ssize_t)(8 * texts),
                         (const char *)s->band_at, (Py_ssize_t)(4 * (texts + 1)),
                         (const char *)s->keys, (Py_ssize_t)(8 * s->nkeys),
                         (const char *)s->sketch_at, (Py_ssize_t)(4 * (texts + 1)),
                         (const char *)s->kept, (Py_ssize_t)(4 * s->nkept),
                         (const char *)s->counts, (Py_ssize_t)(4 * texts));
}

/* the Signer of the constants signatures and text_signatures take; 0 (and an error) when
   they do not fit */
static int Signer_of(Signer *s, Py_buffer *mix, Py_buffer *salt, Py_ssize_t per_band,
                     Py_ssize_t sketch_size, const char *name) {
    memset(s, 0, sizeof(*s));
    s->bins = mix->len / 8; s->bands = salt->len / 8;
    s->per_band = per_band; s->sketch_size = sketch_size;
    s->bin_mix = mix->buf; s->band_salt = salt->buf;
    if (mix->len % 8 || salt->len % 8 || s->bins == 0 || per_band <= 0
            || s->bins != s->bands * per_band || sketch_size < 0) {
        PyErr_Format(PyExc_ValueError, "%s: len(bin_mix) == len(band_salt) * rows_per_band, "
                     "buffers of 8-byte items", name);
        return 0;
    }
    return 1;
}

/* signatures(rows, hashes, bin_mix, band_salt, rows_per_band, sketch): dedup.signatures over
   the shingle hashes of texts (rows: int64, hashes: uint64, one item each per shingle, each
   text's shingles together in rows that never go down), as buffers: (row ids int64, band
   offsets int32, band keys uint64, sketch offsets int32, sketch values uint32, shingle counts
   int32), one text after another. A band's key mixes the minima of its bins (a hash's bin is
   the hash modulo the bins, len(bin_mix)); u64 arithmetic wraps around, as Polars' does. */
static PyObject *signatures(PyObject *self, PyObject *args) {
    Py_buffer rows, hashes, mix, salt;
    Py_ssize_t per_band, sketch_size;
    if (!PyArg_ParseTuple(args, "y*y*y*y*nn", &rows, &hashes, &mix, &salt, &per_band,
                          &sketch_size))
        return NULL;
    PyObject *out = NULL;
    Signer s;
    int opened = 0;
    Py_ssize_t n = rows.len / 8;
    const int64_t *row = rows.buf;
    const uint64_t *h = hashes.buf;
    if (!Signer_of(&s, &mix, &salt, per_band, sketch_size, "signatures"))
        goto done;
    if (hashes.len != rows.len || rows.len % 8) {
        PyErr_SetString(PyExc_ValueError, "signatures: buffers of 8-byte items, as many rows "
                        "as hashes");
        goto done;
    }
    Py_ssize_t texts = 0, longest = 0;
    for (Py_ssize_t i = 0, from = 0; i < n; i++) {
        if (i && row[i] < row[i - 1]) {
            PyErr_SetString(PyExc_ValueError, "signatures: rows must never go down");
            goto done;
        }
        if (i == 0 || row[i] != row[i - 1]) { texts++; from = i; }
        if (i - from + 1 > longest) longest = i - from + 1;
    }
    opened = 1;
    if (!Signer_open(&s, texts, n, longest))
        goto done;
    for (Py_ssize_t start = 0, end; start < n; start = end) {
        for (end = start; end < n && row[end] == row[start]; end++) {}
        Signer_add(&s, row[start], h + start, end - start);
    }
    out = Signer_result(&s);
done:
    PyBuffer_Release(&rows); PyBuffer_Release(&hashes);
    PyBuffer_Release(&mix); PyBuffer_Release(&salt);
    if (opened) Signer_close(&s);
    return out;
}

/* text_signatures(rows, counts, hashes, mix, bin_mix, band_salt, rows_per_band, sketch):
   what signatures gives for the word shingles of texts, made from their words' hashes
   (dedup.text_signatures). rows: each text's id, int64, each larger than the one before (else
   None: the Polars steps' work); counts: its number of words, uint32, at least one; hashes:
   uint64, every text's words one text after another, as Polars' hash(seed=11) gives them.
   The shingles are dedup.shingle_hashes': the one of len(mix) + 1 words at position p is
   h[p] ^ h[p + 1] * mix[0] ^ ... ^ h[p + k] * mix[k - 1] (u64 arithmetic wraps around, as
   Polars' does); a text of fewer words has one, its first word's hash. One text's shingles
   are held at a time. */
static PyObject *text_signatures(PyObject *self, PyObject *args) {
    Py_buffer rows, counts, hashes, mix, bin_mix, salt;
    Py_ssize_t per_band, sketch_size;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*nn", &rows, &counts, &hashes, &mix, &bin_mix,
                          &salt, &per_band, &sketch_size))
        return NULL;
    PyObject *out = NULL;
    Signer s;
    int opened = 0;
    uint64_t *mixed = NULL;
    Py_ssize_t texts = rows.len / 8, words = hashes.len / 8, k = mix.len / 8, total = 0;
    Py_ssize_t longest = 1, shingles = 0;
    const int64_t *row = rows.buf;
    const uint32_t *count = counts.buf;
    const uint64_t *h = hashes.buf, *odd = mix.buf;
    if (!Signer_of(&s, &bin_mix, &salt, per_band, sketch_size, "text_signatures"))
        goto done;
    if (rows.len % 8 || hashes.len % 8 || mix.len % 8 || counts.len != 4 * texts) {
        PyErr_SetString(PyExc_ValueError, "text_signatures: rows, hashes and mix of 8-byte "
                        "items, a 4-byte count for each row");
        goto done;
    }
    for (Py_ssize_t t = 0; t < texts; t++) {
        if (t && row[t] <= row[t - 1]) {  /* not this pass's (the Polars one joins such) */
            out = Py_None;
            Py_INCREF(out);
            goto done;
        }
        if (count[t] == 0) {
            PyErr_SetString(PyExc_ValueError, "text_signatures: a text without words");
            goto done;
        }
        Py_ssize_t made = count[t] <= k ? 1 : count[t] - k;
        total += count[t];
        shingles += made;
        if (made > longest) longest = made;
    }
    if (total != words) {
        PyErr_SetString(PyExc_ValueError, "text_signatures: the counts do not add up to the "
                        "hashes");
        goto done;
    }
    opened = 1;
    mixed = PyMem_Malloc(sizeof(uint64_t) * (longest + 1));
    if (!mixed || !Signer_open(&s, texts, shingles, longest)) {
        if (!mixed) PyErr_NoMemory();
        goto done;
    }
    const uint64_t *w = h;
    for (Py_ssize_t t = 0; t < texts; w += count[t], t++) {
        Py_ssize_t n = count[t], made = 0;
        if (n <= k) {
            mixed[made++] = w[0];
        } else {
            for (Py_ssize_t p = 0; p + k < n; p++) {
                uint64_t x = w[p];
                for (Py_ssize_t j = 0; j < k; j++) x ^= w[p + 1 + j] * odd[j];
                mixed[made++] = x;
            }
        }
        Signer_add(&s, row[t], mixed, made);
    }
    out = Signer_result(&s);
done:
    PyBuffer_Release(&rows); PyBuffer_Release(&counts); PyBuffer_Release(&hashes);
    PyBuffer_Release(&mix); PyBuffer_Release(&bin_mix); PyBuffer_Release(&salt);
    PyMem_Free(mixed);
    if (opened) Signer_close(&s);
    return out;
}

/* word_keys(offsets, data, table): dedup's text key (_key: lower case, each run of characters
   that are not word characters as one space, stripped) of each string of an Arrow large_string
   array (offsets: int64, one more than the strings; data: their UTF-8 bytes), as buffers: (key
   offsets int64, key bytes, the numbers of the strings left to Polars as int32). table: int32
   by code point, what the key makes of a character on its own (dedup._character_keys, found by
   Polars' own _key): -1 unknown (its string is left to Polars, and gets an empty key here), 0
   not a word character, else the code point of its lower case, a word character. A code point
   past the table, or bytes that are not UTF-8, leave the string to Polars too. */
static PyObject *word_keys(PyObject *self, PyObject *args) {
    Py_buffer offsets, data, table;
    if (!PyArg_ParseTuple(args, "y*y*y*", &offsets, &data, &table))
        return NULL;
    PyObject *out = NULL;
    Py_ssize_t n = offsets.len / 8 - 1, known = table.len / 4;
    const int64_t *at = offsets.buf;
    const unsigned char *s = data.buf;
    const int32_t *image = table.buf;
    int64_t *key_at = NULL; int32_t *others = NULL; unsigned char *key = NULL;
    if (offsets.len % 8 || n < 0 || table.len % 4 || known < 128
            || (n >= 0 && (at[0] < 0 || at[n] > data.len))) {
        PyErr_SetString(PyExc_ValueError, "word_keys: int64 offsets into data, an int32 table "
                        "of at least the ASCII code points");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (at[i + 1] < at[i]) {
            PyErr_SetString(PyExc_ValueError, "word_keys: offsets must never go down");
            goto done;
        }
    /* a key is never longer than its string: a character's lower case within the table is
       written in as many UTF-8 bytes as the character or fewer (checked when the table is
       read: dedup._character_keys), a run of others becomes one space */
    key_at = PyMem_Malloc(sizeof(int64_t) * (n + 1));
    others = PyMem_Malloc(sizeof(int32_t) * (n + 1));
    key = PyMem_Malloc((size_t)(at[n] - at[0]) + 1);
    if (!key_at || !others || !key) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t nothers = 0, w = 0;
    key_at[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t start = w, j = at[i], end = at[i + 1];
        int gap = 0, left = 0;
        while (j < end) {
            uint32_t c = s[j];
            Py_ssize_t len = 1;
            if (c >= 0x80) {  /* the code point of a UTF-8 sequence (of 2 to 4 bytes) */
                len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
                if (len == 0 || j + len > end) { left = 1; break; }
                c &= 0x3f >> (len - 1);
                for (Py_ssize_t k = 1; k < len; k++) {
                    if ((s[j + k] & 0xc0) != 0x80) { left = 1; break; }
                    c = (c << 6) | (s[j + k] & 0x3f);
                }
                if (left) break;
            }
            j += len;
            int32_t m = (Py_ssize_t)c < known ? image[c] : -1;
            if (m < 0) { left = 1; break; }
            if (m == 0) { gap = 1; continue; }
            if (gap && w > start) key[w++] = ' ';
            gap = 0;
            uint32_t x = (uint32_t)m;  /* UTF-8 of the lower case */
            if (x < 0x80) key[w++] = (unsigned char)x;
            else if (x < 0x800) {
                key[w++] = (unsigned char)(0xc0 | (x >> 6));
                key[w++] = (unsigned char)(0x80 | (x & 0x3f));
            } else if (x < 0x10000) {
                key[w++] = (unsigned char)(0xe0 | (x >> 12));
                key[w++] = (unsigned char)(0x80 | ((x >> 6) & 0x3f));
                key[w++] = (unsigned char)(0x80 | (x & 0x3f));
            } else {
                key[w++] = (unsigned char)(0xf0 | (x >> 18));
                key[w++] = (unsigned char)(0x80 | ((x >> 12) & 0x3f));
                key[w++] = (unsigned char)(0x80 | ((x >> 6) & 0x3f));
                key[w++] = (unsigned char)(0x80 | (x & 0x3f));
            }
        }
        if (left) {
            w = start;
            others[nothers++] = (int32_t)i;
        }
        key_at[i + 1] = w;
    }
    out = Py_BuildValue("(y#y#y#)", (const char *)key_at, (Py_ssize_t)(8 * (n + 1)),
                        (const char *)key, w, (const char *)others, (Py_ssize_t)(4 * nothers));
done:
    PyBuffer_Release(&offsets); PyBuffer_Release(&data); PyBuffer_Release(&table);
    PyMem_Free(key_at); PyMem_Free(others); PyMem_Free(key);
    return out;
}

/* set_counts(offsets, values, weights, signatures, cells, allowed, known, known_mask,
   multi_mask, least, lo, hi, technologies): how the technology sets naming at least `least`
   (1 or 2) of the known technologies count (radar/sets.py: the app's learn_next). The sets are
   rows of a list column as buffers: offsets int32 (rows + 1), values uint16 (technology
   numbers below technologies), weights uint32 (postings per set), signatures uint64 (the bits
   of a set's technologies; a bit may stand for several), cells uint32 (each set's cell of the
   filters' dimensions) with allowed (uint8 by cell: 1 for the cells the filters keep), or both
   empty (every set kept). known: uint16, distinct technology numbers; known_mask: their bits;
   multi_mask: those standing for two or more of them. Over rows lo..hi-1, a kept set naming m
   known adds its weight (least 1, m >= 1), or (m - 1) times it (least 2, m >= 2), to each
   technology it names: returns (those sums as int64 by technology number, their total over the
   sets). Least 0 counts by known technology: a kept set adds its weight to each technology it
   names once for each known one it names, in the row of that known one (their place in known):
   the sums are known x technologies, the total the weights of the sets naming any. Least 3
   counts the sets naming the first known technology and, when there are others, one of them,
   as least 1 does (known_mask then holds the first one's bit, multi_mask the others'). Only
   the sets whose signature can hold enough known are read. */
#define SETS_BLOCK 4096  /* sets whose candidates are gathered at a time */
#define SETS_AHEAD 16    /* how many candidates ahead a set's technologies are fetched */

static PyObject *set_counts(PyObject *self, PyObject *args) {
    Py_buffer offsets, values, weights, signatures, cells, allowed, known;
    unsigned long long known_mask, multi_mask;
    int least;
    Py_ssize_t lo, hi, technologies;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*KKinnn", &offsets, &values, &weights,
                          &signatures, &cells, &allowed, &known, &known_mask, &multi_mask,
                          &least, &lo, &hi, &technologies))
        return NULL;
    PyObject *out = NULL;
    int64_t *extra = NULL, total = 0;
    uint32_t *is_known = NULL;  /* 1 + a known technology's place in known, else 0 */
    Py_ssize_t rows = signatures.len / 8, n_values = values.len / 2, n_cells = allowed.len;
    const int32_t *at = offsets.buf;
    const uint16_t *value = values.buf, *wanted = known.buf;
    const uint32_t *weight = weights.buf, *cell = cells.buf;
    const uint64_t *signature = signatures.buf;
    const unsigned char *keep = allowed.buf;
    int filtered = cells.len > 0;
    if (signatures.len % 8 || offsets.len != 4 * (rows + 1) || weights.len != 4 * rows
            || (filtered ? cells.len != 4 * rows : allowed.len != 0)
            || values.len % 2 || known.len % 2 || technologies <= 0 || technologies > 65536
            || least < 0 || least > 3 || (least == 3 && known.len == 0)
            || lo < 0 || hi > rows || lo > hi) {
        PyErr_SetString(PyExc_ValueError, "set_counts: offsets int32 (rows + 1), weights "
                        "uint32, signatures uint64 and cells uint32 (rows, or none with no "
                        "allowed), values and known uint16 (least 3: one or more), least 0 to "
                        "3, 0 <= lo <= hi <= rows");
        goto done;
    }
    Py_ssize_t n_known = known.len / 2, lines = least == 0 ? n_known : 1;
    extra = PyMem_Calloc((size_t)(lines ? lines : 1) * (size_t)technologies, sizeof(int64_t));
    is_known = PyMem_Calloc((size_t)technologies, sizeof(uint32_t));
    if (!extra || !is_known) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n_known; k++) {
        if (wanted[k] >= technologies || is_known[wanted[k]]) {
            PyErr_SetString(PyExc_ValueError, "set_counts: a known number past technologies "
                            "or given twice");
            goto done;
        }
        is_known[wanted[k]] = (uint32_t)k + 1;
    }
    /* Each block's candidates found first (a pass over the signatures), then read with the
       next candidates' offsets, weights and technologies fetched ahead: they are scattered
       (a candidate every 20-odd sets for two of four common languages), and waiting on memory
       for each halved the speed. */
    Py_ssize_t candidates[SETS_BLOCK];
    int bad = 0;
    uint64_t two = least == 2 ? ~(uint64_t)0 : 0;  /* least 2: two bits, or one of two */
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t from = lo; from < hi && !bad; from += SETS_BLOCK) {
        Py_ssize_t to = hi - from < SETS_BLOCK ? hi : from + SETS_BLOCK, n = 0;
        if (least == 3) {  /* the first one's bit, and one of the others' when any */
            for (Py_ssize_t r = from; r < to; r++) {
                candidates[n] = r;
                n += (signature[r] & known_mask) && (!multi_mask || (signature[r] & multi_mask));
            }
        } else {
            for (Py_ssize_t r = from; r < to; r++) {
                uint64_t hit = signature[r] & known_mask;
                candidates[n] = r;
                n += (two ? ((hit & (hit - 1)) | (hit & multi_mask)) : hit) != 0;
            }
        }
        if (filtered) {  /* the cells kept, read in order: a narrowed view keeps a few */
            Py_ssize_t kept = 0;
            for (Py_ssize_t j = 0; j < n; j++) {
                uint32_t c = cell[candidates[j]];
                if (c >= n_cells) { bad = 1; break; }
                candidates[kept] = candidates[j];
                kept += keep[c] != 0;
            }
            n = kept;
        }
        for (Py_ssize_t j = 0; j < n && !bad; j++) {
            if (j + 2 * SETS_AHEAD < n) {
                PREFETCH(&at[candidates[j + 2 * SETS_AHEAD]]);
                PREFETCH(&weight[candidates[j + 2 * SETS_AHEAD]]);
            }
            if (j + SETS_AHEAD < n) {
                int32_t ahead = at[candidates[j + SETS_AHEAD]];
                if (ahead >= 0 && ahead < n_values) PREFETCH(&value[ahead]);
            }
            Py_ssize_t r = candidates[j];
            int32_t a = at[r], b = at[r + 1];
            if (a < 0 || b < a || b > n_values) { bad = 1; break; }
            int64_t m = 0, first = 0;
            for (int32_t i = a; i < b && !bad; i++) {
                bad = value[i] >= technologies;
                m += bad ? 0 : is_known[value[i]] != 0;
                first |= !bad && is_known[value[i]] == 1;
            }
            if (bad) break;
            if (least == 3) {  /* the first one, and another when any: as least 1 */
                if (!first || (n_known > 1 && m < 2)) continue;
                total += weight[r];
                for (int32_t i = a; i < b; i++) extra[value[i]] += weight[r];
                continue;
            }
            if (least == 0) {  /* by known: each known one's row */
                if (!m) continue;
                total += weight[r];
                for (int32_t i = a; i < b; i++) {
                    if (!is_known[value[i]]) continue;
                    int64_t *line = extra + (Py_ssize_t)(is_known[value[i]] - 1) * technologies;
                    for (int32_t u = a; u < b; u++) line[value[u]] += weight[r];
                }
                continue;
            }
            if (m < least) continue;
            int64_t add = (least == 2 ? m - 1 : 1) * (int64_t)weight[r];
            total += add;
            for (int32_t i = a; i < b; i++) extra[value[i]] += add;
        }
    }
    Py_END_ALLOW_THREADS
    if (bad) {
        PyErr_SetString(PyExc_ValueError, "set_counts: offsets out of order or past the "
                        "values, a value past technologies or a cell past allowed");
        goto done;
    }
    out = Py_BuildValue("(y#L)", (const char *)extra, (Py_ssize_t)(8 * lines * technologies),
                        (long long)total);
done:
    PyBuffer_Release(&offsets); PyBuffer_Release(&values); PyBuffer_Release(&weights);
    PyBuffer_Release(&signatures); PyBuffer_Release(&cells); PyBuffer_Release(&allowed);
    PyBuffer_Release(&known);
    PyMem_Free(extra);
    PyMem_Free(is_known);
    return out;
}

/* ------------------------------------------------------------------ the alias automaton */

/* Every occurrence of a set of keys in " " + text + " ", overlapping ones too: the tagger's
   alias search (_AliasSearch; ahocorasick_rs's DFA is the reference). An Aho-Corasick automaton
   made a full DFA over classes of characters: one class for each character some key holds, one
   for all the others; a state is stored as its row's offset in the table, and the states that
   end a key are numbered last, so one comparison tells whether a step ends one.
   A DFA's step waits for the one before (a load from the table), so a long text is read as
   LANES pieces at once, each step of one piece beside the others'. A piece after the first
   starts at the root (longest - 1) characters before its first character: the automaton's
   state is the longest suffix of what it has read that begins a key, at most `longest`
   characters, so by the piece's first character it is the state a single scan would have. */

#define AUTOMATON_NAME "etl.transforms._passes.automaton"
#define LANES 4
#define LANE_MIN 256 /* the fewest characters a piece is given; a longer key: one piece */

typedef struct {
    Py_ssize_t classes, longest;
    uint32_t emit_min; /* the offset of the first state that ends a key */
    uint32_t start;    /* the state after the leading space */
    uint32_t *next;    /* states x classes: the offset of the next state */
    int32_t *key_at;   /* state -> the key that ends there, or -1 */
    int32_t *link;     /* state -> the next state, along shorter suffixes, that ends a key, or -1 */
    Py_ssize_t *key_length; /* key -> its length in characters */
    uint16_t low[256];      /* the class of each code point below 256 (0: in no key) */
    Py_ssize_t highs;       /* the code points from 256 up that keys hold, sorted */
    Py_UCS4 *high;
    uint16_t *high_class;
} Automaton;

static void automaton_free(Automaton *a) {
    if (a == NULL) return;
    PyMem_Free(a->next); PyMem_Free(a->key_at); PyMem_Free(a->link); PyMem_Free(a->key_length);
    PyMem_Free(a->high); PyMem_Free(a->high_class); PyMem_Free(a);
}

static void automaton_capsule_free(PyObject *capsule) {
    automaton_free(PyCapsule_GetPointer(capsule, AUTOMATON_NAME));
}

ALWAYS_INLINE uint32_t class_of(const Automaton *a, Py_UCS4 c) {
    if (c < 256) return a->low[c];
    Py_ssize_t lo = 0, hi = a->highs; /* binary search: few keys hold such characters */
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2;
        if (a->high[mid] < c) lo = mid + 1; else hi = mid;
    }
    return lo < a->highs && a->high[lo] == c ? a->high_class[lo] : 0;
}

static int compare_code_points(const void *x, const void *y) {
    Py_UCS4 a = *(const Py_UCS4 *)x, b = *(const Py_UCS4 *)y;
    return (a > b) - (a < b);
}

/* the classes of the keys' characters; the keys checked (a list of non-empty str) */
static int automaton_classes(Automaton *a, PyObject *keys, Py_ssize_t *total) {
    Py_ssize_t m = PyList_GET_SIZE(keys), classes = 1, highs = 0;
    *total = 0;
    for (Py_ssize_t k = 0; k < m; k++) {
        PyObject *key = PyList_GET_ITEM(keys, k);
        if (!PyUnicode_Check(key) || PyUnicode_GET_LENGTH(key) == 0) {
            PyErr_Format(PyExc_ValueError, "key %zd: keys must be non-empty strings", k);
            return -1;
        }
        Py_ssize_t n = PyUnicode_GET_LENGTH(key);
        *total += n;
        if (n > a->longest) a->longest = n;
    }
    a->high = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(*total + 1));
    if (a->high == NULL) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t k = 0; k < m; k++) {
        PyObject *key = PyList_GET_ITEM(keys, k);
        int kind = PyUnicode_KIND(key);
        const void *s = PyUnicode_DATA(key);
        for (Py_ssize_t i = 0; i < PyUnicode_GET_LENGTH(key); i++) {
            Py_UCS4 c = AT(kind, s, i);
            if (c >= 256) a->high[highs++] = c;
            else if (a->low[c] == 0) a->low[c] = (uint16_t)classes++;
        }
    }
    qsort(a->high, (size_t)highs, sizeof(Py_UCS4), compare_code_points);
    Py_ssize_t unique = 0;
    for (Py_ssize_t i = 0; i < highs; i++)
        if (unique == 0 || a->high[unique - 1] != a->high[i]) a->high[unique++] = a->high[i];
    a->highs = unique;
    a->high_class = PyMem_Malloc(sizeof(uint16_t) * (size_t)(unique + 1));
    if (a->high_class == NULL) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < unique; i++) a->high_class[i] = (uint16_t)(classes + i);
    classes += unique;
    if (classes > 65535) {
        PyErr_SetString(PyExc_ValueError, "the keys hold more than 65534 distinct characters");
        return -1;
    }
    a->classes = classes;
    return 0;
}

/* the trie of the keys made a DFA (missing steps are the fail state's, breadth first), then
   renumbered so that the states ending a key come last, as offsets into the table */
static int automaton_states(Automaton *a, PyObject *keys, Py_ssize_t total) {
    Py_ssize_t C = a->classes, m = PyList_GET_SIZE(keys), nodes = 1;
    int failed = -1;
    if ((double)(total + 1) * (double)C >= 4294967295.0) {
        PyErr_SetString(PyExc_ValueError, "the keys make too large an automaton");
        return -1;
    }
    int32_t *trie = PyMem_Malloc(sizeof(int32_t) * (size_t)((total + 1) * C));
    int32_t *key_at = PyMem_Malloc(sizeof(int32_t) * (size_t)(total + 1));
    int32_t *fail = PyMem_Malloc(sizeof(int32_t) * (size_t)(total + 1));
    int32_t *link = PyMem_Malloc(sizeof(int32_t) * (size_t)(total + 1));
    int32_t *order = PyMem_Malloc(sizeof(int32_t) * (size_t)(total + 1));
    int32_t *renamed = PyMem_Malloc(sizeof(int32_t) * (size_t)(total + 1));
    a->key_length = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(m + 1));
    if (!trie || !key_at || !fail || !link || !order || !renamed || !a->key_length) {
        PyErr_NoMemory();
        goto done;
    }
    memset(trie, 0xff, sizeof(int32_t) * (size_t)((total + 1) * C));
    memset(key_at, 0xff, sizeof(int32_t) * (size_t)(total + 1));
    for (Py_ssize_t k = 0; k < m; k++) {
        PyObject *key = PyList_GET_ITEM(keys, k);
        int kind = PyUnicode_KIND(key);
        const void *s = PyUnicode_DATA(key);
        Py_ssize_t n = PyUnicode_GET_LENGTH(key), state = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            int32_t *step = &trie[state * C + class_of(a, AT(kind, s, i))];
            if (*step < 0) *step = (int32_t)nodes++;
            state = *step;
        }
        if (key_at[state] >= 0) {
            PyErr_Format(PyExc_ValueError, "key %zd: the same as key %d", k, key_at[state]);
            goto done;
        }
        key_at[state] = (int32_t)k;
        a->key_length[k] = n;
    }
    Py_ssize_t head = 0, tail = 0;
    fail[0] = 0; link[0] = -1; order[tail++] = 0;
    while (head < tail) {
        int32_t u = order[head++];
        for (Py_ssize_t c = 0; c < C; c++) {
            int32_t v = trie[u * C + c];
            int32_t f = u == 0 ? 0 : trie[fail[u] * C + c];  /* fail[u]'s row is complete */
            if (v < 0) { trie[u * C + c] = f; continue; }
            fail[v] = f;
            link[v] = key_at[f] >= 0 ? f : link[f];
            order[tail++] = v;
        }
    }
    /* the states that end no key first (the root, 0, among them), then those that do */
    Py_ssize_t named = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) a->emit_min = (uint32_t)(named * C); /* past the states ending no key */
        for (Py_ssize_t i = 0; i < nodes; i++) {
            int32_t u = order[i];
            int emits = key_at[u] >= 0 || link[u] >= 0;
            if (emits == pass) renamed[u] = (int32_t)named++;
        }
    }
    a->next = PyMem_Malloc(sizeof(uint32_t) * (size_t)(nodes * C));
    a->key_at = PyMem_Malloc(sizeof(int32_t) * (size_t)nodes);
    a->link = PyMem_Malloc(sizeof(int32_t) * (size_t)nodes);
    if (!a->next || !a->key_at || !a->link) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t u = 0; u < nodes; u++) {
        int32_t r = renamed[u];
        for (Py_ssize_t c = 0; c < C; c++)
            a->next[r * C + c] = (uint32_t)(renamed[trie[u * C + c]] * C);
        a->key_at[r] = key_at[u];
        a->link[r] = link[u] >= 0 ? renamed[link[u]] : -1;
    }
    a->start = a->next[0 + a->low[' ']];  /* the root is renamed 0 */
    failed = 0;
done:
    PyMem_Free(trie); PyMem_Free(key_at); PyMem_Free(fail); PyMem_Free(link);
    PyMem_Free(order); PyMem_Free(renamed);
    return failed;
}

static PyObject *alias_automaton(PyObject *self, PyObject *keys) {
    if (!PyList_Check(keys)) {
        PyErr_SetString(PyExc_TypeError, "alias_automaton(keys): keys must be a list of str");
        return NULL;
    }
    Automaton *a = PyMem_Calloc(1, sizeof(Automaton));
    if (a == NULL) return PyErr_NoMemory();
    Py_ssize_t total;
    if (automaton_classes(a, keys, &total) < 0 || automaton_states(a, keys, total) < 0) {
        automaton_free(a);
        return NULL;
    }
    PyObject *capsule = PyCapsule_New(a, AUTOMATON_NAME, automaton_capsule_free);
    if (capsule == NULL) automaton_free(a);
    return capsule;
}

typedef struct {
    Py_ssize_t *v; /* (key, start, end) after one another */
    Py_ssize_t n, cap;
} Hits;

/* the keys ending at state (offset off), the last character at end - 1 of the padded string */
static int hits_add(Hits *h, const Automaton *a, uint32_t off, Py_ssize_t end) {
    Py_ssize_t state = off / a->classes;
    for (int32_t s = a->key_at[state] >= 0 ? (int32_t)state : a->link[state]; s >= 0;
         s = a->link[s]) {
        if (h->n + 3 > h->cap) {
            Py_ssize_t cap = h->cap ? h->cap * 2 : 48;
            Py_ssize_t *v = PyMem_Realloc(h->v, sizeof(Py_ssize_t) * (size_t)cap);
            if (v == NULL) { PyErr_NoMemory(); return -1; }
            h->v = v; h->cap = cap;
        }
        int32_t key = a->key_at[s];
        h->v[h->n++] = key;
        h->v[h->n++] = end - a->key_length[key];
        h->v[h->n++] = end;
    }
    return 0;
}

/* the scan of text (n characters of type T) in `lanes` pieces; each piece's hits in its Hits.
   Piece k holds the characters [from[k], from[k + 1]); text index i is padded index i + 1. */
#define SCAN_OF(T)                                                                           \
    static int scan_##T(const Automaton *a, const T *s, Py_ssize_t n, int lanes,             \
                        Hits *hits) {                                                        \
        const uint32_t *next = a->next;                                                      \
        const uint32_t em = a->emit_min;                                                     \
        Py_ssize_t from[LANES + 1], lo[LANES];                                               \
        uint32_t st[LANES];                                                                  \
        for (int k = 0; k <= lanes; k++) from[k] = (Py_ssize_t)k * n / lanes;                \
        for (int k = 0; k < lanes; k++) {                                                    \
            lo[k] = k == 0 ? 0 : from[k] - (a->longest - 1);                                 \
            st[k] = k == 0 ? a->start : 0;                                                   \
        }                                                                                    \
        if (a->start >= em && hits_add(&hits[0], a, a->start, 1) < 0) return -1;             \
        Py_ssize_t steps = 0;                                                                \
        if (lanes == LANES) {                                                                \
            steps = n;                                                                       \
            for (int k = 0; k < LANES; k++)                                                  \
                if (from[k + 1] - lo[k] < steps) steps = from[k + 1] - lo[k];                \
            uint32_t s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];                         \
            const T *p0 = s + lo[0], *p1 = s + lo[1], *p2 = s + lo[2], *p3 = s + lo[3];      \
            for (Py_ssize_t i = 0; i < steps; i++) {                                         \
                s0 = next[s0 + class_of(a, p0[i])];                                          \
                s1 = next[s1 + class_of(a, p1[i])];                                          \
                s2 = next[s2 + class_of(a, p2[i])];                                          \
                s3 = next[s3 + class_of(a, p3[i])];                                          \
                if ((s0 >= em) | (s1 >= em) | (s2 >= em) | (s3 >= em)) {                     \
                    uint32_t now[LANES] = {s0, s1, s2, s3};                                  \
                    for (int k = 0; k < LANES; k++)                                          \
                        if (now[k] >= em && lo[k] + i >= from[k] &&                          \
                            hits_add(&hits[k], a, now[k], lo[k] + i + 2) < 0)                \
                            return -1;                                                       \
                }                                                                            \
            }                                                                                \
            st[0] = s0; st[1] = s1; st[2] = s2; st[3] = s3;                                  \
        }                                                                                    \
        for (int k = 0; k < lanes; k++) { /* what is left of each piece, one at a time */    \
            uint32_t state = st[k];                                                          \
            for (Py_ssize_t i = lo[k] + steps; i < from[k + 1]; i++) {                       \
                state = next[state + class_of(a, s[i])];                                     \
                if (state >= em && i >= from[k] && hits_add(&hits[k], a, state, i + 2) < 0)  \
                    return -1;                                                               \
            }                                                                                \
            st[k] = state;                                                                   \
        }                                                                                    \
        uint32_t last = next[st[lanes - 1] + a->low[' ']]; /* the trailing space */          \
        if (last >= em && hits_add(&hits[lanes - 1], a, last, n + 2) < 0) return -1;         \
        return 0;                                                                            \
    }
SCAN_OF(Py_UCS1)
SCAN_OF(Py_UCS2)
SCAN_OF(Py_UCS4)

static PyObject *alias_hits(PyObject *self, PyObject *args) {
    PyObject *capsule, *text;
    if (!PyArg_ParseTuple(args, "OU", &capsule, &text)) return NULL;
    const Automaton *a = PyCapsule_GetPointer(capsule, AUTOMATON_NAME);
    if (a == NULL) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int lanes = n >= LANES * LANE_MIN && a->longest <= LANE_MIN ? LANES : 1;
    Hits hits[LANES] = {{0}};
    int kind = PyUnicode_KIND(text);
    const void *s = PyUnicode_DATA(text);
    int failed = kind == PyUnicode_1BYTE_KIND ? scan_Py_UCS1(a, s, n, lanes, hits)
                 : kind == PyUnicode_2BYTE_KIND ? scan_Py_UCS2(a, s, n, lanes, hits)
                                                 : scan_Py_UCS4(a, s, n, lanes, hits);
    PyObject *out = NULL;
    if (failed < 0) goto done;
    Py_ssize_t count = 0;
    for (int k = 0; k < lanes; k++) count += hits[k].n / 3;
    out = PyList_New(count);
    if (out == NULL) goto done;
    Py_ssize_t at = 0;
    for (int k = 0; k < lanes; k++)
        for (Py_ssize_t i = 0; i < hits[k].n; i += 3) {
            PyObject *hit = Py_BuildValue("(nnn)", hits[k].v[i], hits[k].v[i + 1],
                                          hits[k].v[i + 2]);
            if (hit == NULL) { Py_CLEAR(out); goto done; }
            PyList_SET_ITEM(out, at++, hit);
        }
done:
    for (int k = 0; k < LANES; k++) PyMem_Free(hits[k].v);
    return out;
}

/* whether one of the automaton's keys (the glued forms, lower case ASCII) occurs in a glued word,
   in lower case, from the word's start or a case change ("aA" in the shape) to the word's end or
   a case change: the tagger's _may_hold_glued_forms, without joining the words and lowering them.
   A word of other characters than ASCII: true (the Python pass says so too; such words are
   looked at piece by piece). words: the list of (start, end) _glued_words gives. Returns
   (whether, the length of the words joined by spaces: what the Python pass looks at). */
static PyObject *glued_forms_in(PyObject *self, PyObject *args) {
    PyObject *capsule, *text, *shape, *words;
    if (!PyArg_ParseTuple(args, "OUUO!", &capsule, &text, &shape, &PyList_Type, &words))
        return NULL;
    const Automaton *a = PyCapsule_GetPointer(capsule, AUTOMATON_NAME);
    if (a == NULL) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), count = PyList_GET_SIZE(words);
    if (!PyUnicode_IS_ASCII(shape) || PyUnicode_GET_LENGTH(shape) != n) {
        PyErr_SetString(PyExc_ValueError, "glued_forms_in: the shape must be ASCII, as long as "
                        "the text");
        return NULL;
    }
    int kind = PyUnicode_KIND(text), held = 0;
    const void *s = PyUnicode_DATA(text);
    const unsigned char *h = PyUnicode_1BYTE_DATA(shape);
    Py_ssize_t joined = count > 0 ? count - 1 : 0;
    for (Py_ssize_t w = 0; w < count; w++) {
        PyObject *word = PyList_GET_ITEM(words, w);
        Py_ssize_t start = -1, end = -1;
        if (PyTuple_Check(word) && PyTuple_GET_SIZE(word) == 2) {
            start = PyLong_AsSsize_t(PyTuple_GET_ITEM(word, 0));
            end = PyLong_AsSsize_t(PyTuple_GET_ITEM(word, 1));
        }
        if (PyErr_Occurred() || start < 0 || end > n || start > end) {
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError, "glued_forms_in: each word must be a (start, end) "
                            "inside the text");
            return NULL;
        }
        joined += end - start;
        uint32_t state = 0; /* each word is walked until a form is found in one */
        for (Py_ssize_t i = start; i < end && !held; i++) {
            Py_UCS4 c = AT(kind, s, i);
            if (c >= 128) { held = 1; break; }
            if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
            state = a->next[state + class_of(a, c)];
            if (state < a->emit_min) continue;
            Py_ssize_t stop = i + 1;
            if (stop != end && !(h[stop - 1] == 'a' && h[stop] == 'A')) continue;
            Py_ssize_t st = state / a->classes;
            for (int32_t k = a->key_at[st] >= 0 ? (int32_t)st : a->link[st]; k >= 0;
                 k = a->link[k]) {
                Py_ssize_t first = stop - a->key_length[a->key_at[k]];
                if (first == start || (h[first - 1] == 'a' && h[first] == 'A')) { held = 1; break; }
            }
        }
    }
    return Py_BuildValue("(On)", held ? Py_True : Py_False, joined);
}

static PyMethodDef methods[] = {
    {"search_key", search_key, METH_VARARGS,
     "search_key(text, ascii_table, table=None): the tagger's search key (ascii_table: the "
     "key's bytes for the ASCII characters; table: the images of the others, by code point), "
     "or None for a text that is not ASCII when no table is given"},
    {"alias_automaton", alias_automaton, METH_O,
     "alias_automaton(keys): the automaton (a capsule) alias_hits searches with (keys: a list "
     "of distinct non-empty str)"},
    {"alias_hits", alias_hits, METH_VARARGS,
     "alias_hits(automaton, text): (key index, start, end) of every occurrence of a key in "
     "' ' + text + ' ', overlapping ones too, by end (offsets in characters of that string)"},
    {"glued_forms_in", glued_forms_in, METH_VARARGS,
     "glued_forms_in(automaton, text, shape, words): (whether a key of the automaton, the glued "
     "forms, occurs in one of the words, in lower case, from its start or a case change to its "
     "end or a case change, as the tagger's _may_hold_glued_forms; True for a word not ASCII, "
     "the length of the words joined by spaces)"},
    {"plain_text", plain_text, METH_O,
     "plain_text(text): the text etl.text.plain_text gives for a text that is NFKC"},
    {"glued_words", glued_words, METH_VARARGS,
     "glued_words(text, ascii_table, table=None): the tagger's _glued_words (the shape's "
     "tables, as search_key's), or None for a text that is not ASCII when no table is given"},
    {"tags_as_lines", tags_as_lines, METH_O,
     "tags_as_lines(text): the text etl.text._tags_as_lines gives (tags dropped, block tags "
     "and list items as line breaks)"},
    {"signatures", signatures, METH_VARARGS,
     "signatures(rows, hashes, bin_mix, band_salt, rows_per_band, sketch): etl.transforms."
     "dedup.signatures over buffers (see the C source)"},
    {"text_signatures", text_signatures, METH_VARARGS,
     "text_signatures(rows, counts, hashes, mix, bin_mix, band_salt, rows_per_band, sketch): "
     "etl.transforms.dedup.text_signatures over buffers (see the C source)"},
    {"word_keys", word_keys, METH_VARARGS,
     "word_keys(offsets, data, table): etl.transforms.dedup's text keys of an Arrow "
     "large_string array, over buffers (see the C source)"},
    {"set_counts", set_counts, METH_VARARGS,
     "set_counts(offsets, values, weights, signatures, cells, allowed, known, known_mask, "
     "multi_mask, least, lo, hi, technologies): what the sets naming at least `least` known "
     "technologies add to each technology they name, by technology number (least 0: by known "
     "technology and technology number; least 3: the sets naming the first known and one of "
     "the others), and their total (see the C source)"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_passes",
                                    "Text passes of the tagger and two array loops, in C.", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__passes(void) { return PyModule_Create(&module); }
