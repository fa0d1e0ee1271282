/* Text passes of the tagger in C: etl.text.plain_text's space passes, the tagger's search_key
   and _glued_words (given the images of the characters that are not ASCII).
   Each returns None where it does not apply (the Python pass runs then). The Python passes are
   the reference: tests/test_c_passes.py checks that these give the same strings, on real
   postings and on generated hostile texts.
   Built by python -m etl.compile beside the compiled tagger (docs/build_speed.md). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static inline int is_word(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
static inline int is_letter(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static inline int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static inline int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
/* str.isspace() and the regex \s on ASCII characters */
static inline int is_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* whether s[at:] starts with word and a word boundary follows it */
static int word_at(const unsigned char *s, Py_ssize_t n, Py_ssize_t at, const char *word) {
    Py_ssize_t len = (Py_ssize_t)strlen(word);
    if (at + len > n || memcmp(s + at, word, (size_t)len) != 0) return 0;
    return at + len == n || !is_word(s[at + len]);
}

/* _DOTS: whether the dot at i becomes a space */
static int dot_goes(const unsigned char *s, Py_ssize_t n, Py_ssize_t i) {
    if (i + 1 >= n || !is_word(s[i + 1])) return 1;                 /* (?!\w) */
    if (i < 2 || !is_letter(s[i - 2]) || !is_letter(s[i - 1])) return 0;
    if (!(is_digit(s[i + 1]) ||
          (i + 3 < n && is_upper(s[i + 1]) && is_lower(s[i + 2]) && is_lower(s[i + 3]))))
        return 0;
    return !(word_at(s, n, i + 1, "Net") || word_at(s, n, i + 1, "Js")
             || word_at(s, n, i + 1, "Io"));
}

/* the same tests on characters of any text: \w, \d and \b as Python's re sees them in a str
   (its word characters are str.isalnum() and "_", its digits the decimal ones) */
static inline int any_word(Py_UCS4 c) {
    return c < 128 ? is_word((unsigned char)c) : Py_UNICODE_ISALNUM(c);
}

static int any_word_at(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t at, const char *word) {
    Py_ssize_t len = (Py_ssize_t)strlen(word);
    if (at + len > n) return 0;
    for (Py_ssize_t j = 0; j < len; j++)
        if (s[at + j] != (Py_UCS4)(unsigned char)word[j]) return 0;
    return at + len == n || !any_word(s[at + len]);
}

static inline int any_letter(Py_UCS4 c) { return c < 128 && is_letter((unsigned char)c); }
static inline int any_upper(Py_UCS4 c) { return c < 128 && is_upper((unsigned char)c); }
static inline int any_lower(Py_UCS4 c) { return c < 128 && is_lower((unsigned char)c); }

static int any_dot_goes(const Py_UCS4 *s, Py_ssize_t n, Py_ssize_t i) {
    if (i + 1 >= n || !any_word(s[i + 1])) return 1;
    if (i < 2 || !any_letter(s[i - 2]) || !any_letter(s[i - 1])) return 0;
    if (!(Py_UNICODE_ISDECIMAL(s[i + 1]) ||
          (i + 3 < n && any_upper(s[i + 1]) && any_lower(s[i + 2]) && any_lower(s[i + 3]))))
        return 0;
    return !(any_word_at(s, n, i + 1, "Net") || any_word_at(s, n, i + 1, "Js")
             || any_word_at(s, n, i + 1, "Io"));
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

/* search_key of a text that is not ASCII, over its code points */
static PyObject *any_search_key(PyObject *text, const unsigned char *ascii, PyObject *table) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 *s = PyUnicode_AsUCS4Copy(text);
    if (s == NULL) return NULL;
    Py_UCS4 *k = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(n + 1));
    if (k == NULL) { PyMem_Free(s); return PyErr_NoMemory(); }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s[i] == '.' && any_dot_goes(s, n, i)) { k[i] = ' '; continue; }
        if (mapped(s[i], ascii, table, &k[i]) < 0) { PyMem_Free(s); PyMem_Free(k); return NULL; }
    }
    Py_ssize_t replaced = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (k[i] != '+') continue;
        Py_UCS4 before = i == 0 ? 0 : (i - 1 == replaced ? '+' : k[i - 1]);
        int first = i == 0 || !(any_word(before) || before == '+');
        int glued = i > 0 && any_word(before) && i + 1 < n && any_letter(k[i + 1]);
        if (first || glued) { k[i] = ' '; replaced = i; }
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (k[i] == '#' && (i == 0 || !any_word(k[i - 1]))) k[i] = ' ';
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, k, n);
    PyMem_Free(s); PyMem_Free(k);
    return out;
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
    if (!PyUnicode_IS_ASCII(text)) {
        PyObject *out = others == Py_None ? Py_NewRef(Py_None)
                                           : any_search_key(text, table.buf, others);
        PyBuffer_Release(&table);
        return out;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = PyUnicode_1BYTE_DATA(text);
    const unsigned char *map = (const unsigned char *)table.buf;
    PyObject *out = PyUnicode_New(n, 127);
    if (out == NULL) { PyBuffer_Release(&table); return NULL; }
    unsigned char *k = PyUnicode_1BYTE_DATA(out);
    for (Py_ssize_t i = 0; i < n; i++) k[i] = map[s[i]];
    PyBuffer_Release(&table);
    /* _DOTS, over the text: the table keeps every dot */
    const unsigned char *at = memchr(s, '.', (size_t)n);
    while (at != NULL) {
        Py_ssize_t i = at - s;
        if (dot_goes(s, n, i)) k[i] = ' ';
        at = i + 1 < n ? memchr(s + i + 1, '.', (size_t)(n - i - 1)) : NULL;
    }
    /* _PLUS_NOT_SUFFIX, over the key as it was before this pass */
    Py_ssize_t replaced = -1;  /* the last "+" made a space */
    at = memchr(k, '+', (size_t)n);
    while (at != NULL) {
        Py_ssize_t i = at - k;
        unsigned char before = i == 0 ? 0 : (i - 1 == replaced ? '+' : k[i - 1]);
        int first = i == 0 || !(is_word(before) || before == '+');
        int glued = i > 0 && is_word(before) && i + 1 < n && is_letter(k[i + 1]);
        if (first || glued) { k[i] = ' '; replaced = i; }
        at = i + 1 < n ? memchr(k + i + 1, '+', (size_t)(n - i - 1)) : NULL;
    }
    /* _HASH_NOT_SUFFIX */
    at = memchr(k, '#', (size_t)n);
    while (at != NULL) {
        Py_ssize_t i = at - k;
        if (i == 0 || !is_word(k[i - 1])) k[i] = ' ';
        at = i + 1 < n ? memchr(k + i + 1, '#', (size_t)(n - i - 1)) : NULL;
    }
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

/* plain_text's space passes over the code points of a text that is not ASCII (and is NFKC):
   no-break spaces count as spaces, and Unicode's white space (str.isspace, the regex \s) as
   white space */
static PyObject *any_plain_text(PyObject *text) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_UCS4 *s = PyUnicode_AsUCS4Copy(text);
    if (s == NULL) return NULL;
    Py_UCS4 *o = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(n + 1));
    if (o == NULL) { PyMem_Free(s); return PyErr_NoMemory(); }
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = s[i];
        if (c == ' ' || c == '\t' || c == 0xa0) {
            while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t' || s[i + 1] == 0xa0)) i++;
            if ((m > 0 && o[m - 1] == '\n')
                || (i + 1 < n && (s[i + 1] == '\n' || s[i + 1] == '\r')))
                continue;
            o[m++] = ' ';
        } else if (c == '\r') {
            if (i + 1 < n && s[i + 1] == '\n') i++;
            o[m++] = '\n';
        } else {
            o[m++] = c;
        }
    }
    PyMem_Free(s);
    Py_ssize_t w = 0;
    for (Py_ssize_t r = 0; r < m; r++) {
        if (o[r] == '\n') {
            Py_ssize_t j = r + 1, last = -1;
            while (j < m && Py_UNICODE_ISSPACE(o[j])) { if (o[j] == '\n') last = j; j++; }
            o[w++] = '\n';
            if (last >= 0) { o[w++] = '\n'; r = last; }
            continue;
        }
        o[w++] = o[r];
    }
    Py_ssize_t lo = 0, hi = w;
    while (lo < hi && Py_UNICODE_ISSPACE(o[lo])) lo++;
    while (hi > lo && Py_UNICODE_ISSPACE(o[hi - 1])) hi--;
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, o + lo, hi - lo);
    PyMem_Free(o);
    return out;
}

static PyObject *plain_text(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "plain_text takes a str");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(text)) return any_plain_text(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *s = PyUnicode_1BYTE_DATA(text);
    unsigned char *o = PyMem_Malloc((size_t)n + 1);
    if (o == NULL) return PyErr_NoMemory();
    Py_ssize_t m = 0;
    /* "\r\n" and "\r" as "\n"; each run of spaces and tabs as one space, none beside a break */
    for (Py_ssize_t i = 0; i < n; i++) {
        /* eight characters copied as they are when none of them (nor the ninth) is a control
           character, no space among them is followed by another, and no break is before them */
        while (i + 9 <= n && !(m > 0 && o[m - 1] == '\n')) {
            uint64_t x = eight(s + i), y = eight(s + i + 1);
            if (below_space(x) | below_space(y) | (spaces(x) & spaces(y))) break;
            memcpy(o + m, s + i, 8);
            m += 8;
            i += 8;
        }
        if (i >= n) break;
        unsigned char c = s[i];
        if (c > ' ') {
            o[m++] = c;
        } else if (c == ' ' || c == '\t') {
            while (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '\t')) i++;
            if ((m > 0 && o[m - 1] == '\n')
                || (i + 1 < n && (s[i + 1] == '\n' || s[i + 1] == '\r')))
                continue;
            o[m++] = ' ';
        } else if (c == '\r') {
            if (i + 1 < n && s[i + 1] == '\n') i++;
            o[m++] = '\n';
        } else {
            o[m++] = c;
        }
    }
    /* _BLANK_LINES, in place: a break, whitespace and more breaks, through the last break of
       the run, as two breaks */
    Py_ssize_t w = 0, r = 0;
    while (r < m) {
        unsigned char *nl = memchr(o + r, '\n', (size_t)(m - r));
        Py_ssize_t at = nl == NULL ? m : nl - o;
        if (w != r) memmove(o + w, o + r, (size_t)(at - r));
        w += at - r;
        if (nl == NULL) break;
        Py_ssize_t j = at + 1, last = -1;
        while (j < m && is_space(o[j])) { if (o[j] == '\n') last = j; j++; }
        o[w++] = '\n';
        if (last >= 0) { o[w++] = '\n'; r = last + 1; } else { r = at + 1; }
    }
    /* strip */
    Py_ssize_t lo = 0, hi = w;
    while (lo < hi && is_space(o[lo])) lo++;
    while (hi > lo && is_space(o[hi - 1])) hi--;
    PyObject *out = PyUnicode_New(hi - lo, 127);
    if (out != NULL) memcpy(PyUnicode_1BYTE_DATA(out), o + lo, (size_t)(hi - lo));
    PyMem_Free(o);
    return out;
}

static PyObject *glued_words(PyObject *self, PyObject *args) {
    PyObject *text, *others = Py_None;
    Py_buffer table;
    if (!PyArg_ParseTuple(args, "Uy*|O", &text, &table, &others) || !table_of(&table))
        return NULL;
    int ascii = PyUnicode_IS_ASCII(text);
    if (!ascii && others == Py_None) { PyBuffer_Release(&table); Py_RETURN_NONE; }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *map = (const unsigned char *)table.buf;
    PyObject *shape = PyUnicode_New(n, 127);
    PyObject *words = PyList_New(0);
    if (shape == NULL || words == NULL) {
        PyBuffer_Release(&table); Py_XDECREF(shape); Py_XDECREF(words);
        return NULL;
    }
    unsigned char *h = PyUnicode_1BYTE_DATA(shape);
    if (ascii) {
        const unsigned char *s = PyUnicode_1BYTE_DATA(text);
        for (Py_ssize_t i = 0; i < n; i++) h[i] = map[s[i]];
    } else {  /* the shape is ASCII whatever the text (a, A, 0 or a space) */
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 image;
            if (mapped(PyUnicode_READ(kind, data, i), map, others, &image) < 0 || image > 127) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "a shape table maps past ASCII");
                PyBuffer_Release(&table); Py_DECREF(shape); Py_DECREF(words);
                return NULL;
            }
            h[i] = (unsigned char)image;
        }
    }
    PyBuffer_Release(&table);
    Py_ssize_t end = -1;
    /* each "aA" (a lower-then-upper change) from an upper-case character: fewer than lower */
    const unsigned char *upper = n > 1 ? memchr(h + 1, 'A', (size_t)(n - 1)) : NULL;
    while (upper != NULL) {
        Py_ssize_t cut = upper - h - 1;
        if (h[cut] == 'a' && cut >= end) {
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
        Py_ssize_t next = cut + 2;
        upper = next < n ? memchr(h + next, 'A', (size_t)(n - next)) : NULL;
    }
    return Py_BuildValue("(NN)", shape, words);
}

static PyMethodDef methods[] = {
    {"search_key", search_key, METH_VARARGS,
     "search_key(text, ascii_table, table=None): the tagger's search key (ascii_table: the "
     "key's bytes for the ASCII characters; table: the images of the others, by code point), "
     "or None for a text that is not ASCII when no table is given"},
    {"plain_text", plain_text, METH_O,
     "plain_text(text): the text etl.text.plain_text gives for a text that is NFKC"},
    {"glued_words", glued_words, METH_VARARGS,
     "glued_words(text, ascii_table, table=None): the tagger's _glued_words (the shape's "
     "tables, as search_key's), or None for a text that is not ASCII when no table is given"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_passes",
                                    "Text passes of the tagger, in C.", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__passes(void) { return PyModule_Create(&module); }
