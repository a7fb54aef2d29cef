/*
 * privacy.h — what the process does so that a visit leaves no trace
 * outside it.  (A small first version: the fuller one replaces it.)
 */
#ifndef FARO_PRIVACY_H
#define FARO_PRIVACY_H

/* Makes the process undumpable (no core file, no ptrace by other users'
 * processes, /proc/PID/mem closed to them) and sets the core size limit
 * to 0.  Call first thing in main.  Returns 0 or FARO_EIO. */
int privacy_harden_process(void);

#endif
