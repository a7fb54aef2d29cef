/*
 * faultserver.c — a small HTTP/1.1 server on 127.0.0.1 that serves a mirror
 * folder and misbehaves on request, for the sync tests.
 *
 *   faultserver ROOT        binds 127.0.0.1 on a free port, prints "port N\n"
 *
 * It serves files under ROOT with ETag, Last-Modified, conditional requests
 * (304) and single ranges (206), one forked child per connection,
 * "Connection: close".  Control requests (never counted in the stats):
 *
 *   GET /__mode/NAME[/all]   switch behaviour; it applies to requests for
 *                            *.faro files, or with /all to every request
 *   GET /__stats             "requests R\nbytes_out B\nlast_range_start S\n
 *                             last_status C\n" since the last /__reset
 *                            (S: the last Range start asked for, -1: none)
 *   GET /__reset             zero the stats
 *
 * Behaviours: normal, 404, 500, 416, short (body 1000 bytes shorter than the
 * file, honest Content-Length), long (1000 bytes longer), endless (no
 * Content-Length, bytes until the client hangs up), norange (ignores Range:
 * always 200 and the whole file), change (the file's bytes change from the
 * first byte a resume asks for, and so does its ETag), redirloop (302 to
 * itself), redirfile (302 to file:///etc/passwd), stall (headers and 1 KiB,
 * then silence for 120 s), cut (half the body with the full Content-Length,
 * then the connection drops: a network pulled mid-download).  Connection
 * refused, replayed and expired catalogs need no server mode: the tests use
 * a closed port or put the files in ROOT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct shared {
    char mode[32];
    int all;                      /* the mode applies to every path */
    long requests, last_status;
    long long bytes_out, last_range_start;
} shared;

static shared *sh;
static const char *root;

typedef struct request {
    char path[512];
    long long range_start;        /* -1: no Range */
    char if_none_match[128], if_modified_since[64], if_range[128];
} request;

/* ---- sending ---- */

static int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        __atomic_add_fetch(&sh->bytes_out, (long long)n, __ATOMIC_SEQ_CST);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void send_head(int fd, int status, const char *reason, const char *extra)
{
    char head[1024];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nServer: faultserver\r\n"
                     "Connection: close\r\n%s\r\n", status, reason, extra ? extra : "");
    sh->last_status = status;
    send_all(fd, head, (size_t)n);
}

static void send_simple(int fd, int status, const char *reason)
{
    char extra[128];
    size_t len = strlen(reason) + 1;
    snprintf(extra, sizeof extra, "Content-Type: text/plain\r\nContent-Length: %zu\r\n", len);
    send_head(fd, status, reason, extra);
    send_all(fd, reason, len - 1);
    send_all(fd, "\n", 1);
}

/* Sends bytes [from, to) of the file; with `flip` every byte is inverted
 * (the "changed" file).  Returns 0 or -1 when the client went away. */
static int send_file_range(int fd, int file, long long from, long long to, int flip)
{
    char buf[65536];
    while (from < to) {
        size_t want = (size_t)(to - from < (long long)sizeof buf ? to - from : (long long)sizeof buf);
        ssize_t n = pread(file, buf, want, from);
        if (n <= 0)
            return -1;
        if (flip)
            for (ssize_t i = 0; i < n; i++)
                buf[i] = (char)~buf[i];
        if (send_all(fd, buf, (size_t)n) < 0)
            return -1;
        from += n;
    }
    return 0;
}

static void send_zeros_forever(int fd)
{
    static const char zeros[65536];
    while (send_all(fd, zeros, sizeof zeros) == 0)
        ;
}

/* ---- parsing ---- */

static void header_value(const char *head, const char *name, char *out, size_t size)
{
    size_t nlen = strlen(name);
    out[0] = '\0';
    for (const char *p = head; (p = strstr(p, "\r\n")) != NULL; p += 2) {
        if (strncasecmp(p + 2, name, nlen) != 0 || p[2 + nlen] != ':')
            continue;
        const char *v = p + 2 + nlen + 1;
        while (*v == ' ')
            v++;
        size_t len = strcspn(v, "\r\n");
        snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), v);
        return;
    }
}

static int read_request(int fd, request *rq)
{
    char head[8192], range[64];
    size_t len = 0;
    while (len < sizeof head - 1) {
        ssize_t n = recv(fd, head + len, sizeof head - 1 - len, 0);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        head[len] = '\0';
        if (strstr(head, "\r\n\r\n"))
            break;
    }
    if (sscanf(head, "GET %511s HTTP/1.", rq->path) != 1)
        return -1;
    header_value(head, "Range", range, sizeof range);
    rq->range_start = -1;
    if (!strncmp(range, "bytes=", 6))
        rq->range_start = atoll(range + 6);
    header_value(head, "If-None-Match", rq->if_none_match, sizeof rq->if_none_match);
    header_value(head, "If-Modified-Since", rq->if_modified_since, sizeof rq->if_modified_since);
    header_value(head, "If-Range", rq->if_range, sizeof rq->if_range);
    return 0;
}

/* ---- serving ---- */

static int mode_is(const char *m) { return strcmp(sh->mode, m) == 0; }

static void serve_control(int fd, const char *path)
{
    char body[512];
    if (!strncmp(path, "/__mode/", 8)) {
        char name[32] = "";
        snprintf(name, sizeof name, "%.31s", path + 8);
        char *slash = strchr(name, '/');
        sh->all = slash && !strcmp(slash, "/all");
        if (slash)
            *slash = '\0';
        snprintf(sh->mode, sizeof sh->mode, "%s", name);
        send_simple(fd, 200, "OK");
    } else if (!strcmp(path, "/__reset")) {
        sh->requests = sh->last_status = 0;
        sh->bytes_out = 0;
        sh->last_range_start = -1;
        send_simple(fd, 200, "OK");
    } else {
        int n = snprintf(body, sizeof body, "requests %ld\nbytes_out %lld\nlast_range_start %lld\n"
                         "last_status %ld\n", sh->requests, sh->bytes_out, sh->last_range_start,
                         sh->last_status);
        char extra[128];
        snprintf(extra, sizeof extra, "Content-Length: %d\r\n", n);
        dprintf(fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n%s\r\n%s", extra, body);
    }
}

/* Misbehaviours that need no file.  Returns 1 when it answered. */
static int serve_fault_early(int fd, const request *rq)
{
    char extra[640];
    if (mode_is("404")) { send_simple(fd, 404, "Not Found"); return 1; }
    if (mode_is("500")) { send_simple(fd, 500, "Internal Server Error"); return 1; }
    if (mode_is("416")) { send_simple(fd, 416, "Range Not Satisfiable"); return 1; }
    if (mode_is("redirloop")) {
        snprintf(extra, sizeof extra, "Location: %s\r\nContent-Length: 0\r\n", rq->path);
        send_head(fd, 302, "Found", extra);
        return 1;
    }
    if (mode_is("redirfile")) {
        send_head(fd, 302, "Found", "Location: file:///etc/passwd\r\nContent-Length: 0\r\n");
        return 1;
    }
    return 0;
}

static void etag_of(const struct stat *st, int changed, char *out, size_t size)
{
    snprintf(out, size, "\"%llx-%llx-%lx.%lx%s\"", (unsigned long long)st->st_ino,
             (unsigned long long)st->st_size, (long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
             changed ? "-changed" : "");
}

static void serve_file(int fd, const request *rq, int faulty)
{
    char file_path[1024], etag[96], lastmod[64], extra[512];
    struct stat st;
    if (strstr(rq->path, "..") || snprintf(file_path, sizeof file_path, "%s%s", root, rq->path) >= (int)sizeof file_path) {
        send_simple(fd, 400, "Bad Request");
        return;
    }
    int file = open(file_path, O_RDONLY);
    if (file < 0 || fstat(file, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (file >= 0)
            close(file);
        send_simple(fd, 404, "Not Found");
        return;
    }
    int change = faulty && mode_is("change");
    etag_of(&st, change, etag, sizeof etag);
    struct tm tm;
    gmtime_r(&st.st_mtim.tv_sec, &tm);
    strftime(lastmod, sizeof lastmod, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if ((rq->if_none_match[0] && !strcmp(rq->if_none_match, etag)) ||
        (!rq->if_none_match[0] && rq->if_modified_since[0] && !strcmp(rq->if_modified_since, lastmod))) {
        snprintf(extra, sizeof extra, "ETag: %s\r\nLast-Modified: %s\r\n", etag, lastmod);
        send_head(fd, 304, "Not Modified", extra);
        close(file);
        return;
    }
    long long size = st.st_size, from = 0, to = size;
    int ranged = rq->range_start >= 0 && !(faulty && mode_is("norange")) &&
                 (!rq->if_range[0] || !strcmp(rq->if_range, etag));
    if (ranged && rq->range_start >= size) {
        send_simple(fd, 416, "Range Not Satisfiable");
        close(file);
        return;
    }
    if (ranged)
        from = rq->range_start;
    long long body_to = to;                  /* what is really sent */
    long long claimed = to - from;           /* Content-Length */
    if (faulty && mode_is("short")) { body_to = to - 1000; claimed = body_to - from; }
    if (faulty && mode_is("long")) claimed += 1000;
    if (faulty && mode_is("cut")) body_to = from + (to - from) / 2;
    int n = snprintf(extra, sizeof extra, "ETag: %s\r\nLast-Modified: %s\r\nAccept-Ranges: bytes\r\n",
                     etag, lastmod);
    if (!(faulty && mode_is("endless")))
        n += snprintf(extra + n, sizeof extra - (size_t)n, "Content-Length: %lld\r\n", claimed);
    if (ranged)
        snprintf(extra + n, sizeof extra - (size_t)n, "Content-Range: bytes %lld-%lld/%lld\r\n",
                 from, to - 1, size);
    send_head(fd, ranged ? 206 : 200, ranged ? "Partial Content" : "OK", extra);
    if (faulty && mode_is("stall")) {
        send_file_range(fd, file, from, from + 1024 < to ? from + 1024 : to, 0);
        sleep(120);
    } else if (send_file_range(fd, file, from, body_to, change) == 0) {
        if (faulty && mode_is("long")) {
            static const char pad[1000];
            send_all(fd, pad, sizeof pad);
        } else if (faulty && mode_is("endless")) {
            send_zeros_forever(fd);
        }
    }
    close(file);
}

static void serve(int fd)
{
    request rq;
    memset(&rq, 0, sizeof rq);
    if (read_request(fd, &rq) < 0)
        return;
    if (!strncmp(rq.path, "/__", 3)) {
        serve_control(fd, rq.path);
        return;
    }
    __atomic_add_fetch(&sh->requests, 1, __ATOMIC_SEQ_CST);
    if (rq.range_start >= 0)
        sh->last_range_start = rq.range_start;
    size_t len = strlen(rq.path);
    int faulty = !mode_is("normal") && (sh->all || (len > 5 && !strcmp(rq.path + len - 5, ".faro")));
    if (faulty && serve_fault_early(fd, &rq))
        return;
    serve_file(fd, &rq, faulty);
}

static int listen_loopback(void)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 64) < 0 ||
        getsockname(s, (struct sockaddr *)&a, &alen) < 0) {
        perror("faultserver: listen");
        exit(2);
    }
    printf("port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    return s;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: faultserver ROOT\n");
        return 2;
    }
    root = argv[1];
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return 2;
    snprintf(sh->mode, sizeof sh->mode, "normal");
    sh->last_range_start = -1;
    signal(SIGCHLD, SIG_IGN);            /* children are reaped by the kernel */
    signal(SIGPIPE, SIG_IGN);
    int s = listen_loopback();
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        char peek[8] = "";
        /* control requests are answered in order, by the parent */
        if (recv(c, peek, sizeof peek - 1, MSG_PEEK) > 0 && !strncmp(peek, "GET /__", 7)) {
            serve(c);
            close(c);
            continue;
        }
        pid_t pid = fork();
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            close(s);
            serve(c);
            shutdown(c, SHUT_WR);
            close(c);
            _exit(0);
        }
        close(c);
    }
}
