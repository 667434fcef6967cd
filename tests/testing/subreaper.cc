// subreaper COMMAND [ARGS...]: runs COMMAND as a child subreaper that reaps
// nothing but COMMAND while it runs. Processes orphaned below it (a daemon
// that a script started in the background) are re-parented to it, and when
// they die they stay zombies until COMMAND ends: what happens under a
// container's PID 1 that does not reap. Exits with COMMAND's status.
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: subreaper COMMAND [ARGS...]\n");
    return 2;
  }
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    std::perror("subreaper: prctl(PR_SET_CHILD_SUBREAPER)");
    return 2;
  }
  const pid_t child = fork();
  if (child < 0) {
    std::perror("subreaper: fork");
    return 2;
  }
  if (child == 0) {
    execvp(argv[1], argv + 1);
    std::perror("subreaper: exec");
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
  }
  // Now reap whatever died meanwhile.
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
