/* The run-time binding of libpq (see include/CLibPQ.h): dlopen once, dlsym each function, and one
   forwarder per function. */
#include "CLibPQ.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* Every function mailtls calls: X(return type, name, parameters, arguments) for those that return a
   value, V(name, parameters, arguments) for the void ones. */
#define MAILTLS_LIBPQ_FUNCTIONS(X, V) \
    X(PGconn *, PQconnectdb, (const char *conninfo), (conninfo)) \
    X(ConnStatusType, PQstatus, (const PGconn *conn), (conn)) \
    X(char *, PQerrorMessage, (const PGconn *conn), (conn)) \
    V(PQfinish, (PGconn *conn), (conn)) \
    X(int, PQserverVersion, (const PGconn *conn), (conn)) \
    X(PGresult *, PQexec, (PGconn *conn, const char *query), (conn, query)) \
    X(PGresult *, PQexecParams, (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, \
                                 const char *const *paramValues, const int *paramLengths, \
                                 const int *paramFormats, int resultFormat), \
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(int, PQsendQueryParams, (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, \
                               const char *const *paramValues, const int *paramLengths, \
                               const int *paramFormats, int resultFormat), \
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat)) \
    X(int, PQsetSingleRowMode, (PGconn *conn), (conn)) \
    X(PGresult *, PQgetResult, (PGconn *conn), (conn)) \
    X(ExecStatusType, PQresultStatus, (const PGresult *res), (res)) \
    X(char *, PQresultErrorMessage, (const PGresult *res), (res)) \
    X(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode)) \
    V(PQclear, (PGresult *res), (res)) \
    X(int, PQntuples, (const PGresult *res), (res)) \
    X(int, PQnfields, (const PGresult *res), (res)) \
    X(char *, PQfname, (const PGresult *res, int field_num), (res, field_num)) \
    X(Oid, PQftype, (const PGresult *res, int field_num), (res, field_num)) \
    X(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num)) \
    X(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num)) \
    X(int, PQputCopyData, (PGconn *conn, const char *buffer, int nbytes), (conn, buffer, nbytes)) \
    X(int, PQputCopyEnd, (PGconn *conn, const char *errormsg), (conn, errormsg))

/* The pointers, filled by `load`. */
#define POINTER(type, name, params, args) static type(*p_##name) params;
#define VOID_POINTER(name, params, args) static void(*p_##name) params;
MAILTLS_LIBPQ_FUNCTIONS(POINTER, VOID_POINTER)

/* The forwarders. */
#define FORWARD(type, name, params, args) type name params { return p_##name args; }
#define VOID_FORWARD(name, params, args) void name params { p_##name args; }
MAILTLS_LIBPQ_FUNCTIONS(FORWARD, VOID_FORWARD)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *failure;
static char failureText[1024];

#ifdef __APPLE__
#define DEFAULT_LIBPQ "libpq.5.dylib"
#else
#define DEFAULT_LIBPQ "libpq.so.5"
#endif

static void fail(const char *what) {
    snprintf(failureText, sizeof failureText, "%s", what ? what : "unknown dlopen error");
    failure = failureText;
}

static void load(void) {
    const char *file = getenv("MAILTLS_LIBPQ");
    if (file == NULL || *file == '\0') file = DEFAULT_LIBPQ;
    /* Local: libpq's symbols stay out of the global scope, so nothing else binds to them. */
    void *lib = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fail(dlerror());
        return;
    }
#define LOOK_UP(type, name, params, args) \
    if ((*(void **)&p_##name = dlsym(lib, #name)) == NULL) { fail(dlerror()); return; }
#define VOID_LOOK_UP(name, params, args) LOOK_UP(void, name, params, args)
    MAILTLS_LIBPQ_FUNCTIONS(LOOK_UP, VOID_LOOK_UP)
}

const char *mailtls_libpq_load(void) {
    pthread_once(&once, load);
    return failure;
}
