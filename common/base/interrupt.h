/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <signal.h>

/*
 * Work whose mess a signal handler cannot clean up (extract's half-built
 * directory tree: removing it takes opendir and malloc) asks the program to
 * defer fatal signals while it runs. The program's handler then only records
 * the signal and returns; a blocking read fails with EINTR instead of being
 * retried, the work stops at its next check, removes what it made and fails,
 * and the program dies of the signal after.
 */
extern volatile sig_atomic_t interrupt_deferring; /* set by the work */
extern volatile sig_atomic_t interrupt_signal;	  /* set by the handler */
