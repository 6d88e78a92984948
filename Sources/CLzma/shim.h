#include <lzma.h>

/* LZMA_STREAM_INIT is a macro initializer; give Swift a function. */
static inline lzma_stream clzma_stream_init(void) {
    lzma_stream s = LZMA_STREAM_INIT;
    return s;
}
