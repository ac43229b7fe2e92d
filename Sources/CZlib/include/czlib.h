// A gzip inflater over zlib for the asset preview: tolerant of a stream cut short.
#ifndef ARTY_CZLIB_H
#define ARTY_CZLIB_H
#include <stddef.h>
#include <stdint.h>

/// Inflates the gzip (or zlib) stream `in[0..<in_len]` into `out` (capacity `out_cap`), stopping at
/// the end of the stream, at the end of the input (a cut stream keeps what it gave) or when `out`
/// is full. Sets `*out_len` to the bytes produced. Returns 1 when the stream ended, 0 when the input
/// or the output ran out first, -1 for corrupt data (what was produced before it is kept).
int czlib_gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len);

#endif
