/*
 * syncenv.h — the world the sync tests and the sync bench run in: a
 * publisher key, packs built from tests/fixtures/content-mini, a mirror
 * made by `faro-pack publish` (publish_mirror), nginx from Debian and
 * tests/tools/faultserver on free 127.0.0.1 ports, and a kiosk data folder
 * (keys, state database, installer, sync).  Header-only: included by
 * tests/test_sync.c and tests/tools/syncbench.c, nothing else.
 */
#ifndef FARO_SYNCENV_H
#define FARO_SYNCENV_H

#include "catalog.h"
#include "publish.h"
#include "faro.h"
#include "install.h"
#include "pack_build.h"
#include "sig_sign.h"
#include "state.h"
#include "sync.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ENV_PATH 1024

static inline const char *env_build(void)
{
    const char *b = getenv("BUILD");
    return b && *b ? b : "build";
}

static inline int env_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int env_sh(const char *fmt, ...)
{
    char cmd[4 * ENV_PATH];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "env: '%s' failed (%d)\n", cmd, rc);
    return rc;
}

static inline int env_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* ---- processes ---- */

/* A free TCP port on 127.0.0.1 (bound, read, closed). */
static inline int env_free_port(void)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0), port = -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(s, (struct sockaddr *)&a, &alen) == 0)
        port = ntohs(a.sin_port);
    close(s);
    return port;
}

/* Waits (bounded: 10 s) until something accepts connections on port. */
static inline int env_wait_port(int port)
{
    for (int i = 0; i < 1000; i++) {
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((unsigned short)port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int s = socket(AF_INET, SOCK_STREAM, 0);
        int ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
        close(s);
        if (ok)
            return 0;
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return -1;
}

/* Starts faultserver serving root; returns its port (pid in *pid) or -1. */
static inline int env_start_faultserver(const char *root, pid_t *pid)
{
    char exe[ENV_PATH], line[64] = "";
    int fds[2], port = -1;
    snprintf(exe, sizeof exe, "%s/tools/faultserver", env_build());
    if (pipe(fds) < 0)
        return -1;
    *pid = fork();
    if (*pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(exe, exe, root, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    FILE *f = fdopen(fds[0], "r");
    if (f && fgets(line, sizeof line, f))
        sscanf(line, "port %d", &port);
    if (f)
        fclose(f);
    if (port < 0)
        fprintf(stderr, "env: %s did not start\n", exe);
    return port;
}

/* Starts nginx (one process, current user, daemon off) serving root from
 * dir/nginx (dir/nginx-tls with TLS when cert and key are given); returns
 * its port (pid in *pid) or -1. */
static inline int env_start_nginx_at(const char *dir, const char *root, const char *cert,
                                     const char *key, pid_t *pid)
{
    char prefix[ENV_PATH + 16], conf[ENV_PATH + 32], text[12 * ENV_PATH], tls[3 * ENV_PATH] = "";
    int port = env_free_port();
    snprintf(prefix, sizeof prefix, "%s/%s", dir, cert ? "nginx-tls" : "nginx");
    snprintf(conf, sizeof conf, "%s/nginx.conf", prefix);
    mkdir(prefix, 0700);
    if (cert)
        snprintf(tls, sizeof tls, " ssl;\n    ssl_certificate %s;\n    ssl_certificate_key %s", cert, key);
    snprintf(text, sizeof text,
             "daemon off;\nmaster_process off;\nworker_processes 1;\npid %s/nginx.pid;\n"
             "error_log %s/error.log;\nevents { worker_connections 64; }\n"
             "http {\n  access_log %s/access.log;\n  client_body_temp_path %s;\n"
             "  proxy_temp_path %s;\n  fastcgi_temp_path %s;\n  uwsgi_temp_path %s;\n"
             "  scgi_temp_path %s;\n  default_type application/octet-stream;\n"
             "  sendfile on;\n  server {\n    listen 127.0.0.1:%d%s;\n    root %s;\n  }\n}\n",
             prefix, prefix, prefix, prefix, prefix, prefix, prefix, prefix, port, tls, root);
    if (port < 0 || env_write(conf, text) != 0)
        return -1;
    *pid = fork();
    if (*pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execl("/usr/sbin/nginx", "nginx", "-p", prefix, "-c", conf, "-e", "stderr", (char *)NULL);
        _exit(127);
    }
    if (env_wait_port(port) < 0) {
        fprintf(stderr, "env: nginx did not start on port %d (see %s/error.log)\n", port, prefix);
        return -1;
    }
    return port;
}

static inline int env_start_nginx(const char *dir, const char *root, pid_t *pid)
{
    return env_start_nginx_at(dir, root, NULL, NULL, pid);
}

/* A throw-away CA (dir/ca.pem) and a certificate for 127.0.0.1 it signed
 * (dir/srv.pem, dir/srv.key), made with the openssl command. */
static inline int env_make_cert(const char *dir)
{
    return env_sh("cd '%s' && "
                  "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                  "-keyout ca.key -out ca.pem -days 2 -subj /CN=faro-test-ca 2>/dev/null && "
                  "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                  "-keyout srv.key -out srv.csr -subj /CN=127.0.0.1 2>/dev/null && "
                  "printf 'subjectAltName=IP:127.0.0.1\\n' > srv.ext && "
                  "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                  "-out srv.pem -days 2 -extfile srv.ext 2>/dev/null", dir);
}

static inline void env_stop(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
}

/* GET a small URL into buf (for faultserver control).  Returns 0 or -1. */
static inline size_t env_collect(char *p, size_t size, size_t n, void *user)
{
    char *buf = user;
    size_t have = strlen(buf), add = size * n;
    if (have + add < 1024) {
        memcpy(buf + have, p, add);
        buf[have + add] = '\0';
    }
    return size * n;
}

static inline int env_get(int port, const char *path, char *buf)
{
    char url[256];
    buf[0] = '\0';
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, env_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, buf);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    int rc = curl_easy_perform(c) == CURLE_OK ? 0 : -1;
    curl_easy_cleanup(c);
    return rc;
}

static inline int env_mode(int port, const char *mode)
{
    char path[128], buf[1024];
    snprintf(path, sizeof path, "/__mode/%s", mode);
    return env_get(port, path, buf);
}

/* A number from faultserver's /__stats ("name N" lines). */
static inline long long env_stat(int port, const char *name)
{
    char buf[1024];
    if (env_get(port, "/__stats", buf) < 0)
        return -1;
    const char *p = strstr(buf, name);
    return p ? atoll(p + strlen(name) + 1) : -1;
}

/* ---- keys, packs, mirrors ---- */

/* Builds content-mini as `version` with the Safety topic titled `title`
 * into out (signed with key when key != NULL).  Returns 0 or -1. */
static inline int env_make_pack(const char *tmp, int version, const char *title, const char *out,
                         const sig_seckey *key)
{
    char src[ENV_PATH], err[FARO_MAX_ERRLEN], sig[ENV_PATH + 64];
    pack_build_stats st;
    snprintf(src, sizeof src, "%s/content-v%d", tmp, version);
    if (env_sh("rm -rf '%s' && cp -r tests/fixtures/content-mini '%s' && "
               "sed -i 's/^version: 3$/version: %d/' '%s/pack.yaml' && "
               "sed -i 's/en: Safety }/en: %s }/' '%s/topics.yaml'",
               src, src, version, src, title, src) != 0)
        return -1;
    lint_report *rep = lint_report_new();
    int rc = pack_build_dir(src, out, rep, &st, err, sizeof err);
    lint_report_free(rep);
    if (rc != 0) {
        fprintf(stderr, "env: build %s: %s\n", src, err);
        return -1;
    }
    snprintf(sig, sizeof sig, "%s.minisig", out);
    if (key && sig_sign_file(key, out, sig, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "env: sign %s: %s\n", out, err);
        return -1;
    }
    return 0;
}

/* Turns pack `path` into pack id `id` padded with a media row of `bytes`
 * zero bytes, then signs it.  Returns 0 or -1. */
static inline int env_pad_pack(const char *path, const char *id, long long bytes, const sig_seckey *key)
{
    char sql[512], err[FARO_MAX_ERRLEN], sig[ENV_PATH + 64];
    sqlite3 *db = NULL;
    snprintf(sql, sizeof sql, "UPDATE meta SET value='%s' WHERE key='id';"
             "INSERT INTO media(name, mime, data) VALUES('media/padding.png', 'image/png', zeroblob(%lld));",
             id, bytes);
    int rc = sqlite3_open(path, &db) == SQLITE_OK && sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 0x7fffffff) >= 0 &&
             sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "env: pad %s: %s\n", path, sqlite3_errmsg(db));
    sqlite3_close(db);
    snprintf(sig, sizeof sig, "%s.minisig", path);
    if (rc == 0 && sig_sign_file(key, path, sig, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "env: sign %s: %s\n", path, err);
        rc = -1;
    }
    return rc;
}

/* What `faro-pack publish --key key [extra1 extra2] in out` does:
 * extra1 is "--expires-days" or "--version" and extra2 its number. */
static inline int env_publish(const char *key, const char *in, const char *out, const char *extra1,
                       const char *extra2)
{
    char err[FARO_MAX_ERRLEN];
    publish_opts o = { .in_dir = in, .out_dir = out, .expires_s = 30 * 86400LL };
    publish_result res;
    sig_seckey sk;
    if (extra1 && extra2 && !strcmp(extra1, "--expires-days"))
        o.expires_s = atoll(extra2) * 86400LL;
    else if (extra1 && extra2 && !strcmp(extra1, "--version"))
        o.version = atoll(extra2);
    int rc = sig_seckey_load(key, NULL, &sk, err, sizeof err);
    if (rc == 0)
        rc = publish_mirror(&o, &sk, &res, err, sizeof err);
    sig_seckey_wipe(&sk);
    if (rc != 0)
        fprintf(stderr, "publish: %s\n", err);
    return rc;
}

/* A kiosk data folder trusting pub for scope (keys/publisher.pub + .scope). */
static inline int env_make_kiosk(const char *dir, const char *pub, const char *scope)
{
    char line[256], path[ENV_PATH + 32];
    if (env_sh("rm -rf '%s' && mkdir -p '%s/keys' && cp '%s' '%s/keys/publisher.pub'", dir, dir, pub, dir) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/keys/publisher.scope", dir);
    snprintf(line, sizeof line, "scope %s\n", scope);
    return env_write(path, line);
}

/* "name size hash" of every file in dir, sorted by name, into out. */
static inline void env_snapshot(const char *dir, char *out, size_t size)
{
    char path[ENV_PATH + 300], err[FARO_MAX_ERRLEN], hex[2 * SIG_HASH_BYTES + 1];
    dir = dir ? dir : ".";
    unsigned char hash[SIG_HASH_BYTES];
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            sig_hash_file(path, FARO_MAX_PACK_BYTES, hash, err, sizeof err) == 0) {
            sig_hash_hex(hash, hex);
            len += (size_t)snprintf(out + len, size - len, "%s %lld %.16s\n", list[i]->d_name,
                                    (long long)st.st_size, hex);
            if (len >= size)
                len = size - 1;
        }
        free(list[i]);
    }
    free(list);
}

#endif
