// The system zlib, for KLTasks (gzip'd IDX files, PNG image data, PNG chunk CRCs).
//
// zlib's initialisers `inflateInit2` and `deflateInit2` are macros that pass the library's version
// and `sizeof(z_stream)`, which Swift cannot import; these inline functions call them.
#ifndef CZLIB_H
#define CZLIB_H

#include <zlib.h>

/// `inflateInit2(stream, windowBits)`.
static inline int CZlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

/// `deflateInit2(stream, level, Z_DEFLATED, windowBits, memLevel, strategy)`.
static inline int CZlib_deflateInit2(z_streamp stream, int level, int windowBits, int memLevel, int strategy) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, memLevel, strategy);
}

#endif
