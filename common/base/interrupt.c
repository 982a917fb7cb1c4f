// SPDX-License-Identifier: Apache-2.0
#include "common/base/interrupt.h"

volatile sig_atomic_t interrupt_deferring;
volatile sig_atomic_t interrupt_signal;
