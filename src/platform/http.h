/*
** http.h — the web server: libmicrohttpd with an epoll thread pool.
** http_serve() runs until SIGINT/SIGTERM, then stops accepting, lets
** in-flight requests finish (up to a grace period), and returns 0.
*/
#ifndef ZD_HTTP_H
#define ZD_HTTP_H
#include "app.h"

int http_serve(const app *a);

#endif
