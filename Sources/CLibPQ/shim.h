/* libpq, PostgreSQL's C client library (Debian: libpq-dev), for the fleet store (MailTLSPostgres).
   The include path comes from pkg-config (libpq.pc: -I/usr/include/postgresql). */
#include <libpq-fe.h>
