#include <sqlite3.h>

/// sqlite3_config is variadic, which Swift cannot call: one wrapper per setting used.
/// Turns off SQLite's memory statistics, which take a global mutex on every allocation.
static inline int mailtls_sqlite3_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
