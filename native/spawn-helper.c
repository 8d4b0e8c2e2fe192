/*
 * paraplan's compiled spawn helper: the same line protocol as the Perl helper in
 * src/executors/shell-helpers.ts (read that comment first), with posix_spawn instead of fork.
 *
 * Request on stdin, one at a time: `<length>\n<fields joined by NUL>`: cwd, argc, argv..., the count of
 * variables to set, their name/value pairs, then the names to remove (from the environment this helper
 * started with). Answers on stdout:
 *   F cwd|exec|pipe|spawn <errno>\n   the command could not be started
 *   P <pid>\n                          it started (its own process group, pgid = pid)
 *   O <length>\n<bytes>                 output (stdout and stderr share one pipe, as on the Perl path)
 *   X <wait status> <left>\n            it exited; left = 1 when something of its group was still there
 * After the command exits, whatever it left in its group gets SIGTERM (no orphans), and the output pipe is
 * read for at most 2 s more (a process that escaped the group may hold it).
 *
 * `spawn-helper --version` prints the protocol line below: the TypeScript side checks it before use.
 * Linux/glibc >= 2.29 (posix_spawn_file_actions_addchdir_np); macOS >= 10.15 has it too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define VERSION_LINE "paraplan-spawn-helper 1\n"

extern char **environ;

static int sig_pipe[2] = {-1, -1};

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  ssize_t ignored = write(sig_pipe[1], "c", 1);
  (void)ignored;
  errno = saved;
}

/* Writes all of it to stdout; the helper exits when Node has gone away. */
static void write_all(const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(1, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      _exit(0);
    }
    p += w;
    n -= (size_t)w;
  }
}

/*
 * Answers wait here until the helper is about to block: a short command's P, output and X reach Node in one write,
 * so Node wakes up once per command rather than once per line.
 */
static char obuf[1 << 17];
static size_t olen = 0;

static void out_flush(void) {
  write_all(obuf, olen);
  olen = 0;
}

static void out_all(const char *p, size_t n) {
  if (olen + n > sizeof obuf) out_flush();
  if (n > sizeof obuf) {
    write_all(p, n);
    return;
  }
  memcpy(obuf + olen, p, n);
  olen += n;
}

static void out_line(const char *fmt, long a, long b, int two) {
  char line[64];
  int n = two ? snprintf(line, sizeof line, fmt, a, b) : snprintf(line, sizeof line, fmt, a);
  out_all(line, (size_t)n);
}

static void out_fail(const char *what, int err) {
  char line[64];
  int n = snprintf(line, sizeof line, "F %s %d\n", what, err);
  out_all(line, (size_t)n);
}

/* Reads exactly n bytes; 0 at end of input. */
static int in_exact(char *p, size_t n) {
  while (n > 0) {
    ssize_t r = read(0, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    p += r;
    n -= (size_t)r;
  }
  return 1;
}

/* The length line; -1 at end of input. */
static long read_length(void) {
  long len = 0;
  int digits = 0;
  for (;;) {
    char c;
    ssize_t r = read(0, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    if (c == '\n') return digits ? len : -1;
    if (c < '0' || c > '9' || len > 100000000L) return -1;
    len = len * 10 + (c - '0');
    digits++;
  }
}

static void drain_sig_pipe(void) {
  char buf[64];
  while (read(sig_pipe[0], buf, sizeof buf) > 0) {
  }
}

static int name_is(const char *entry, const char *name) {
  size_t n = strlen(name);
  return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

static int set_cloexec(int fd) {
  int flags = fcntl(fd, F_GETFD);
  return flags < 0 ? -1 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * The program execvp would run for `name` (no slash) on `path` (NULL: the default), relative to `cwd`; NULL when
 * there is none. Only for ENOEXEC, where execvp (Node's and Perl's path) runs the file with /bin/sh.
 */
static char *lookup(const char *name, const char *path, const char *cwd) {
  if (!path) path = "/bin:/usr/bin";
  size_t ln = strlen(name);
  for (const char *p = path;; p++) {
    const char *end = strchr(p, ':');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    const char *dir = n ? p : ".";
    if (!n) n = 1;
    int rel = dir[0] != '/';
    size_t lc = rel ? strlen(cwd) + 1 : 0;
    char *f = malloc(lc + n + ln + 2);
    if (!f) return NULL;
    if (rel) {
      memcpy(f, cwd, lc - 1);
      f[lc - 1] = '/';
    }
    memcpy(f + lc, dir, n);
    f[lc + n] = '/';
    memcpy(f + lc + n + 1, name, ln + 1);
    struct stat st;
    if (stat(f, &st) == 0 && S_ISREG(st.st_mode) && access(f, X_OK) == 0) return f;
    free(f);
    if (!end) return NULL;
    p = end;
  }
}

/* Why the folder cannot be entered, 0 when it can (asked only after a failed spawn). */
static int cwd_problem(const char *cwd) {
  struct stat st;
  if (stat(cwd, &st) != 0) return errno;
  if (!S_ISDIR(st.st_mode)) return ENOTDIR;
  if (access(cwd, X_OK) != 0) return errno;
  return 0;
}

static void run(char **f, size_t nf) {
  size_t i = 0;
#define NEXT() (i < nf ? f[i++] : NULL)
  const char *cwd = NEXT();
  const char *argc_s = NEXT();
  if (!cwd || !argc_s) _exit(2);
  long argc = strtol(argc_s, NULL, 10);
  if (argc < 1 || (size_t)argc > nf - i) _exit(2);
  char **argv = malloc(((size_t)argc + 1) * sizeof *argv);
  if (!argv) _exit(3);
  memcpy(argv, f + i, (size_t)argc * sizeof *argv);
  argv[argc] = NULL;
  i += (size_t)argc;
  const char *setc_s = NEXT();
  if (!setc_s) _exit(2);
  long setc = strtol(setc_s, NULL, 10);
  if (setc < 0 || (size_t)(2 * setc) > nf - i) _exit(2);
  char **set = f + i;
  i += (size_t)(2 * setc);
  char **unset = f + i;
  size_t unsetc = nf - i;
#undef NEXT

  /* The command's environment: ours, less what is removed or replaced, plus what is set. */
  size_t envc = 0;
  while (environ[envc]) envc++;
  char **envp = malloc((envc + (size_t)setc + 1) * sizeof *envp);
  char **owned = malloc(((size_t)setc + 1) * sizeof *owned);
  if (!envp || !owned) _exit(3);
  size_t k = 0;
  const char *path = NULL; /* PATH of the command, for the program lookup */
  int path_given = 0;
  for (size_t e = 0; e < envc; e++) {
    int skip = 0;
    for (size_t u = 0; u < unsetc && !skip; u++) skip = name_is(environ[e], unset[u]);
    for (long s = 0; s < setc && !skip; s++) skip = name_is(environ[e], set[2 * s]);
    if (skip) continue;
    envp[k++] = environ[e];
  }
  for (long s = 0; s < setc; s++) {
    size_t ln = strlen(set[2 * s]), lv = strlen(set[2 * s + 1]);
    char *kv = malloc(ln + lv + 2);
    if (!kv) _exit(3);
    memcpy(kv, set[2 * s], ln);
    kv[ln] = '=';
    memcpy(kv + ln + 1, set[2 * s + 1], lv + 1);
    owned[s] = kv;
    envp[k++] = kv;
  }
  envp[k] = NULL;
  for (size_t e = 0; e < k; e++) {
    if (name_is(envp[e], "PATH")) {
      path = envp[e] + 5;
      path_given = 1;
    }
  }

  int out[2], in[2];
  if (pipe(out) != 0) {
    out_fail("pipe", errno);
    goto done;
  }
  /* stdin is an empty pipe, its write end closed: an end of input that does not depend on /dev/null being the
   * device (a /dev/null replaced by a regular file hands every reader what others wrote to it). */
  if (pipe(in) != 0) {
    out_fail("pipe", errno);
    close(out[0]);
    close(out[1]);
    goto done;
  }
  close(in[1]);
  set_cloexec(in[0]);
  set_cloexec(out[0]);
  set_cloexec(out[1]);

  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&at);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, out[1], 2);
  posix_spawn_file_actions_addchdir_np(&fa, cwd);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGCHLD);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGQUIT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGHUP);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &defaults);
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid;
  int err;
  if (strchr(argv[0], '/')) {
    err = posix_spawn(&pid, argv[0], &fa, &at, argv, envp);
  } else {
    /* posix_spawnp looks the program up on this process's PATH: make it the command's for the call. */
    const char *ours = getenv("PATH");
    char *saved = ours ? strdup(ours) : NULL;
    int same = (ours == NULL && !path_given) || (ours && path_given && strcmp(ours, path) == 0);
    if (!same) {
      if (path_given) setenv("PATH", path, 1);
      else unsetenv("PATH");
    }
    err = posix_spawnp(&pid, argv[0], &fa, &at, argv, envp);
    if (!same) {
      if (saved) setenv("PATH", saved, 1);
      else unsetenv("PATH");
    }
    free(saved);
  }
  if (err == ENOEXEC) {
    /* A file without #!: execvp (the direct and Perl paths) gives it to /bin/sh; so do we. */
    char *file = strchr(argv[0], '/') ? NULL : lookup(argv[0], path_given ? path : NULL, cwd);
    char **shv = malloc(((size_t)argc + 2) * sizeof *shv);
    if (!shv) _exit(3);
    shv[0] = "/bin/sh";
    shv[1] = file ? file : argv[0];
    memcpy(shv + 2, argv + 1, (size_t)argc * sizeof *shv); /* with the NULL */
    err = posix_spawn(&pid, "/bin/sh", &fa, &at, shv, envp);
    free(shv);
    free(file);
  }
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  close(out[1]);
  close(in[0]);
  if (err != 0) {
    close(out[0]);
    int c = cwd_problem(cwd);
    if (c) out_fail("cwd", c);
    else out_fail("exec", err);
    goto done;
  }
  out_line("P %ld\n", (long)pid, 0, 0);

  int status = 0, exited = 0, first = 1;
  long exited_at = 0;
  static char buf[65536];
  for (;;) {
    struct pollfd p[2] = {{out[0], POLLIN, 0}, {sig_pipe[0], POLLIN, 0}};
    /* P is held for up to 2 ms, which is enough for most short commands to end; then it goes before we block. */
    if (!first) out_flush();
    int n = poll(p, 2, first ? 2 : exited ? 100 : 1000);
    first = 0;
    if (n < 0 && errno != EINTR) break;
    if (n > 0 && (p[1].revents & POLLIN)) drain_sig_pipe();
    if (!exited) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        exited = 1;
        exited_at = now_ms();
        kill(-pid, SIGTERM);
      }
    }
    /* Something that escaped the group still holds the pipe: stop reading 2 s after the exit. */
    if (exited && now_ms() - exited_at >= 2000) break;
    if (n > 0 && p[0].revents) {
      ssize_t r = read(out[0], buf, sizeof buf);
      if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (r <= 0) break;
      char head[32];
      int hn = snprintf(head, sizeof head, "O %ld\n", (long)r);
      out_all(head, (size_t)hn);
      out_all(buf, (size_t)r);
    }
  }
  close(out[0]);
  while (!exited) {
    pid_t w = waitpid(pid, &status, 0);
    if (w == pid) exited = 1;
    else if (w < 0 && errno != EINTR) break;
  }
  drain_sig_pipe();
  int left = kill(-pid, SIGTERM) == 0;
  out_line("X %ld %ld\n", (long)status, (long)left, 1);

done:
  out_flush();
  for (long s = 0; s < setc; s++) free(owned[s]);
  free(owned);
  free(envp);
  free(argv);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    write_all(VERSION_LINE, sizeof VERSION_LINE - 1);
    return 0;
  }
  if (pipe(sig_pipe) != 0) return 1;
  for (int j = 0; j < 2; j++) {
    set_cloexec(sig_pipe[j]);
    fcntl(sig_pipe[j], F_SETFL, fcntl(sig_pipe[j], F_GETFL) | O_NONBLOCK);
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigchld;
  sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, NULL);

  char *req = NULL;
  size_t cap = 0;
  char **fields = NULL;
  size_t fcap = 0;
  for (;;) {
    long len = read_length();
    if (len < 0) return 0;
    if ((size_t)len + 1 > cap) {
      cap = (size_t)len + 1;
      req = realloc(req, cap);
      if (!req) return 3;
    }
    if (!in_exact(req, (size_t)len)) return 0;
    req[len] = '\0';
    size_t nf = 0;
    for (long p = 0;; nf++) {
      if (nf + 1 > fcap) {
        fcap = fcap ? 2 * fcap : 64;
        fields = realloc(fields, fcap * sizeof *fields);
        if (!fields) return 3;
      }
      fields[nf] = req + p;
      char *z = memchr(req + p, '\0', (size_t)(len - p));
      if (!z) {
        nf++;
        break;
      }
      p = z - req + 1;
    }
    run(fields, nf);
  }
}
