/*
 * privacy.c — keeping a visit's words inside the process.
 *
 * The words a person types or reads live in this process's memory; a core
 * dump or a debugger attached by another account would copy them out.
 * privacy_harden_process turns both off: PR_SET_DUMPABLE 0 (no core, and
 * /proc/PID/mem and ptrace refused to everyone but root) and RLIMIT_CORE 0
 * (no core file even if something turns dumping back on).
 */
#include "privacy.h"
#include "faro.h"

#include <sys/prctl.h>
#include <sys/resource.h>

int privacy_harden_process(void)
{
    struct rlimit none = { 0, 0 };
    int rc = 0;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        rc = FARO_EIO;
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        rc = FARO_EIO;
    return rc;
}
