/* libpq, PostgreSQL's C client library, for the fleet store (MailTLSPostgres), loaded at run time.

   mailtls does not link libpq: a SQLite-only run then maps neither libpq nor the ~20 libraries it
   pulls in (libssl, libcrypto, GnuTLS, Kerberos, LDAP: about 4.9 MiB of a SQLite ingest's RSS), and
   runs on a machine without libpq. The first PostgreSQL connection calls `mailtls_libpq_load`, which
   opens libpq.so.5 with dlopen and looks up the functions below; they then forward to it.

   The types and constants are libpq-fe.h's own (its ABI, stable across libpq 5 releases), declared
   here so that building needs no libpq headers. Only the functions mailtls calls are declared. They
   are hidden: libpq's own calls to its functions never bind to these forwarders. */
#ifndef MAILTLS_CLIBPQ_H
#define MAILTLS_CLIBPQ_H

#define MAILTLS_LIBPQ_API __attribute__((visibility("hidden")))

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;
typedef unsigned int Oid;

typedef enum {
    CONNECTION_OK,
    CONNECTION_BAD,
    CONNECTION_STARTED,
    CONNECTION_MADE,
    CONNECTION_AWAITING_RESPONSE,
    CONNECTION_AUTH_OK,
    CONNECTION_SETENV,
    CONNECTION_SSL_STARTUP,
    CONNECTION_NEEDED,
    CONNECTION_CHECK_WRITABLE,
    CONNECTION_CONSUME,
    CONNECTION_GSS_STARTUP,
    CONNECTION_CHECK_TARGET,
    CONNECTION_CHECK_STANDBY
} ConnStatusType;

typedef enum {
    PGRES_EMPTY_QUERY = 0,
    PGRES_COMMAND_OK,
    PGRES_TUPLES_OK,
    PGRES_COPY_OUT,
    PGRES_COPY_IN,
    PGRES_BAD_RESPONSE,
    PGRES_NONFATAL_ERROR,
    PGRES_FATAL_ERROR,
    PGRES_COPY_BOTH,
    PGRES_SINGLE_TUPLE,
    PGRES_PIPELINE_SYNC,
    PGRES_PIPELINE_ABORTED
} ExecStatusType;

/* Opens libpq (once per process; thread-safe) and looks up every function below. Returns NULL when
   they are all there, else why not (dlerror's text: the file that is missing, or the function).
   The library is $MAILTLS_LIBPQ when set (a file name or path), else libpq.so.5 (libpq.5.dylib on
   macOS). No function below may be called before this returned NULL. */
MAILTLS_LIBPQ_API const char *mailtls_libpq_load(void);

MAILTLS_LIBPQ_API PGconn *PQconnectdb(const char *conninfo);
MAILTLS_LIBPQ_API ConnStatusType PQstatus(const PGconn *conn);
MAILTLS_LIBPQ_API char *PQerrorMessage(const PGconn *conn);
MAILTLS_LIBPQ_API void PQfinish(PGconn *conn);
MAILTLS_LIBPQ_API int PQserverVersion(const PGconn *conn);
MAILTLS_LIBPQ_API PGresult *PQexec(PGconn *conn, const char *query);
MAILTLS_LIBPQ_API PGresult *PQexecParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                                         const char *const *paramValues, const int *paramLengths,
                                         const int *paramFormats, int resultFormat);
MAILTLS_LIBPQ_API int PQsendQueryParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                                        const char *const *paramValues, const int *paramLengths,
                                        const int *paramFormats, int resultFormat);
MAILTLS_LIBPQ_API int PQsetSingleRowMode(PGconn *conn);
MAILTLS_LIBPQ_API PGresult *PQgetResult(PGconn *conn);
MAILTLS_LIBPQ_API ExecStatusType PQresultStatus(const PGresult *res);
MAILTLS_LIBPQ_API char *PQresultErrorMessage(const PGresult *res);
MAILTLS_LIBPQ_API char *PQresultErrorField(const PGresult *res, int fieldcode);
MAILTLS_LIBPQ_API void PQclear(PGresult *res);
MAILTLS_LIBPQ_API int PQntuples(const PGresult *res);
MAILTLS_LIBPQ_API int PQnfields(const PGresult *res);
MAILTLS_LIBPQ_API char *PQfname(const PGresult *res, int field_num);
MAILTLS_LIBPQ_API Oid PQftype(const PGresult *res, int field_num);
MAILTLS_LIBPQ_API char *PQgetvalue(const PGresult *res, int tup_num, int field_num);
MAILTLS_LIBPQ_API int PQgetisnull(const PGresult *res, int tup_num, int field_num);
MAILTLS_LIBPQ_API int PQputCopyData(PGconn *conn, const char *buffer, int nbytes);
MAILTLS_LIBPQ_API int PQputCopyEnd(PGconn *conn, const char *errormsg);

#endif
