#include "czlib.h"
#include <string.h>
#include <zlib.h>

int czlib_gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len) {
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    *out_len = 0;
    // 15 + 32: detect a gzip or zlib header automatically.
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return -1;
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)in_len;
    zs.next_out = out;
    zs.avail_out = (uInt)out_cap;
    int rc = inflate(&zs, Z_SYNC_FLUSH);
    *out_len = out_cap - zs.avail_out;
    inflateEnd(&zs);
    if (rc == Z_STREAM_END) return 1;
    if (rc == Z_OK || rc == Z_BUF_ERROR) return 0;
    return -1;
}
