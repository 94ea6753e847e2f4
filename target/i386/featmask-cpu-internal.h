/*
 * featmask: the feature-word table (featmask-cpu.c) as the CPUID decoder
 * (featmask-cpu-cpuid.c) reads it
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_CPU_INTERNAL_H
#define FEATMASK_CPU_INTERNAL_H

#include "featmask-cpu.h"

typedef enum X86Reg {
    EAX,
    EBX,
    ECX,
    EDX,
} X86Reg;

typedef enum X86MsrKind {
    X86_MSR_PLAIN,      /* the value is the feature word */
    X86_MSR_VMX_CTLS,   /* allowed-1 settings in the high half, must-be-1
                         * in the low half: a control is a feature when it
                         * may be 1 and need not be */
} X86MsrKind;

typedef struct X86WordInfo {
    bool is_msr;
    uint32_t leaf;      /* or MSR index */
    uint32_t subleaf;
    X86Reg reg;
    X86MsrKind msr_kind;
    const char *bits[64];
} X86WordInfo;

/* Where each feature word is and the names of its bits. */
extern const X86WordInfo x86_words[X86_FW__MAX];

#endif
