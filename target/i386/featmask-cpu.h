/*
 * featmask: the x86 CPU feature map, CPUID decoding and named models
 *
 * The "x86-cpu" map names every CPU feature QEMU 10.0 lets a user turn
 * on or off with -cpu, spelled as QEMU's CPU properties.  Raw CPUID
 * (from libcpuid, from KVM or from a dump of another machine) decodes
 * into a FeatmaskSet over that map.  The named-model table holds QEMU
 * 10.0's x86 CPU models and their versions, so that a baseline can be
 * expressed as "-cpu Model-vN,+x,+y".
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef TARGET_I386_FEATMASK_CPU_H
#define TARGET_I386_FEATMASK_CPU_H

#include "qemu/featmask.h"

#define X86_FEATMASK_KIND "x86-cpu"

/*
 * Feature words: the CPUID registers and MSRs QEMU 10.0 takes CPU
 * features from.  Feature i of word w has bit w * 64 + i in the map
 * (FeatmaskFeature.bit), so featmask_set_from_bits() takes one uint64_t
 * per word.
 */
typedef enum X86FeatWord {
    X86_FW_1_EDX,
    X86_FW_1_ECX,
    X86_FW_7_0_EBX,
    X86_FW_7_0_ECX,
    X86_FW_7_0_EDX,
    X86_FW_7_1_EAX,
    X86_FW_7_1_EDX,
    X86_FW_7_2_EDX,
    X86_FW_8000_0001_EDX,
    X86_FW_8000_0001_ECX,
    X86_FW_8000_0007_EBX,
    X86_FW_8000_0007_EDX,
    X86_FW_8000_0008_EBX,
    X86_FW_8000_0021_EAX,
    X86_FW_8000_0022_EAX,
    X86_FW_C000_0001_EDX,
    X86_FW_KVM,
    X86_FW_KVM_HINTS,
    X86_FW_SVM,
    X86_FW_XSAVE,
    X86_FW_6_EAX,
    X86_FW_14_0_ECX,
    X86_FW_SGX_12_0_EAX,
    X86_FW_SGX_12_0_EBX,
    X86_FW_SGX_12_1_EAX,
    X86_FW_24_0_EBX,
    X86_FW_ARCH_CAPABILITIES,
    X86_FW_CORE_CAPABILITY,
    X86_FW_PERF_CAPABILITIES,
    X86_FW_VMX_PROCBASED_CTLS,
    X86_FW_VMX_SECONDARY_CTLS,
    X86_FW_VMX_PINBASED_CTLS,
    X86_FW_VMX_EXIT_CTLS,
    X86_FW_VMX_ENTRY_CTLS,
    X86_FW_VMX_MISC,
    X86_FW_VMX_EPT_VPID_CAPS,
    X86_FW_VMX_BASIC,
    X86_FW_VMX_VMFUNC,
    X86_FW__MAX,
} X86FeatWord;

/**
 * x86_featmask_map: the "x86-cpu" feature map
 *
 * Built on first use.  Returns a new reference (release it with
 * featmask_map_unref() or g_autoptr(FeatmaskMap)).
 */
FeatmaskMap *x86_featmask_map(void);

/**
 * x86_feat_word_name: "CPUID[7,0].EBX", "MSR 0x10a (arch-capabilities)"
 */
const char *x86_feat_word_name(X86FeatWord w);

/*
 * Raw CPUID data
 */

/**
 * X86CpuidLeaf: the result of one CPUID instruction
 */
typedef struct X86CpuidLeaf {
    uint32_t leaf;
    uint32_t subleaf;
    uint32_t eax, ebx, ecx, edx;
} X86CpuidLeaf;

typedef enum X86CpuidSource {
    X86_CPUID_RAW,      /* what the CPU reports (this host or a dump) */
    X86_CPUID_KVM,      /* what KVM can give a guest */
} X86CpuidSource;

/**
 * X86CpuidData: the CPUID leaves and feature MSRs of one CPU
 * @source: see #X86CpuidSource; only KVM's data says what the KVM
 *          paravirtual leaf (0x40000001) offers a guest
 * @leaves: array of #X86CpuidLeaf
 * @msrs: MSR index -> value, for the MSRs whose value is known
 *        (keys and values are g_malloc'ed guint32 / guint64)
 * @index: leaf << 32 | subleaf -> position in @leaves (keys are g_malloc'ed
 *         guint64): dumps can be large, a lookup must not walk @leaves
 */
typedef struct X86CpuidData {
    X86CpuidSource source;
    GArray *leaves;
    GHashTable *msrs;
    GHashTable *index;
} X86CpuidData;

X86CpuidData *x86_cpuid_data_new(X86CpuidSource source);
void x86_cpuid_data_free(X86CpuidData *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(X86CpuidData, x86_cpuid_data_free)

/* Record a leaf; a second record of the same leaf and subleaf replaces it. */
void x86_cpuid_data_set(X86CpuidData *d, uint32_t leaf, uint32_t subleaf,
                        uint32_t eax, uint32_t ebx, uint32_t ecx,
                        uint32_t edx);
const X86CpuidLeaf *x86_cpuid_data_get(const X86CpuidData *d, uint32_t leaf,
                                       uint32_t subleaf);
void x86_cpuid_data_set_msr(X86CpuidData *d, uint32_t index, uint64_t value);
bool x86_cpuid_data_get_msr(const X86CpuidData *d, uint32_t index,
                            uint64_t *value);

/**
 * x86_cpuid_vendor: the vendor string of leaf 0 ("GenuineIntel"), or NULL
 * if leaf 0 is missing.  Free with g_free().
 */
char *x86_cpuid_vendor(const X86CpuidData *d);

/**
 * x86_cpuid_brand: the brand string of leaves 0x80000002..4, trimmed, or
 * NULL if the CPU has none.  Free with g_free().
 */
char *x86_cpuid_brand(const X86CpuidData *d);

/**
 * x86_cpuid_decode: the features a CPUID dump enumerates
 * @d: the data
 * @unknown: if not NULL, receives the names of the feature words (as
 *           x86_feat_word_name()) whose leaf or MSR exists on this CPU but
 *           is not in @d, NULL-terminated (free with g_strfreev).  Their
 *           features are left out of the result.
 * @errp: error object
 *
 * Bits QEMU has no property for are ignored.  The result is not closed
 * under dependencies (see x86_cpuid_host_features()).  Fails if leaf 0 is
 * missing or the vendor is not an x86 one.
 */
FeatmaskSet *x86_cpuid_decode(const X86CpuidData *d, char ***unknown,
                              Error **errp);

/**
 * x86_cpuid_host_features: the features a guest can be given on this host
 * @d: the data
 * @unknown: as for x86_cpuid_decode()
 * @dropped: if not NULL, receives the features CPUID enumerates but whose
 *           dependencies are not met (QEMU would drop them as well)
 * @errp: error object
 *
 * x86_cpuid_decode(), plus what QEMU always provides (the hypervisor
 * bit), closed under dependencies: this is the CPU list of a profile.
 */
FeatmaskSet *x86_cpuid_host_features(const X86CpuidData *d, char ***unknown,
                                     FeatmaskSet **dropped, Error **errp);

/*
 * KVM: what a guest can get
 */

/**
 * X86KvmCpuidEntry: one entry of KVM_GET_SUPPORTED_CPUID's answer, with
 * the fields of struct kvm_cpuid_entry2 that matter here
 */
typedef struct X86KvmCpuidEntry {
    uint32_t function;
    uint32_t index;
    uint32_t flags;     /* KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1 */
    uint32_t eax, ebx, ecx, edx;
} X86KvmCpuidEntry;

/**
 * x86_cpuid_data_from_kvm: the CPUID data of KVM's supported-CPUID list
 * @entries: KVM's entries
 * @n: how many
 * @msr_index: feature MSRs read with KVM_GET_MSRS on the /dev/kvm file
 *             descriptor (may be NULL)
 * @msr_value: their values
 * @nmsrs: how many
 */
X86CpuidData *x86_cpuid_data_from_kvm(const X86KvmCpuidEntry *entries,
                                      size_t n, const uint32_t *msr_index,
                                      const uint64_t *msr_value,
                                      size_t nmsrs);

/*
 * The KVM view: what KVM and QEMU give a guest of a CPU known by its raw
 * CPUID (featmask-cpu-kvm.c)
 */

/* The Linux version whose KVM the view follows. */
#define X86_KVM_VIEW_KERNEL "Linux 6.1"

/**
 * x86_kvm_never: the features KVM_GET_SUPPORTED_CPUID of
 * X86_KVM_VIEW_KERNEL never reports, whatever the CPU (NULL-terminated)
 */
const char *const *x86_kvm_never(void);

/**
 * x86_kvm_always: the features a KVM guest gets whatever the CPU: those
 * KVM emulates and those QEMU adds (NULL-terminated)
 */
const char *const *x86_kvm_always(void);

/**
 * x86_kvm_view_apply: turn the features of a raw CPUID into the KVM view
 * @set: decoded from raw CPUID (x86_cpuid_host_features()); changed
 * @removed: if not NULL, receives what was left out (what KVM never
 *           gives, and what depended on it)
 * @added: if not NULL, receives what was added
 */
void x86_kvm_view_apply(FeatmaskSet *set, FeatmaskSet *removed,
                        FeatmaskSet *added);

/*
 * Named models
 */

/**
 * X86ModelVersion: one version of a model
 * @version: 1, 2, ...
 * @alias: the old name of this version ("Skylake-Client-IBRS"), or NULL
 * @on: features this version adds to the previous one (NULL-terminated)
 * @off: features this version removes from the previous one
 */
typedef struct X86ModelVersion {
    int version;
    const char *alias;
    const char *const *on;
    const char *const *off;
} X86ModelVersion;

/**
 * X86Model: a QEMU 10.0 named x86 CPU model
 * @name: "Skylake-Client"
 * @vendor: CPUID vendor string of the model
 * @features: the features of version 1
 * @versions: the versions, in order, each relative to the previous one;
 *            their features are cumulative, as in QEMU
 * @nversions: length of @versions
 */
typedef struct X86Model {
    const char *name;
    const char *vendor;
    const char *const *features;
    const X86ModelVersion *versions;
    size_t nversions;
} X86Model;

/**
 * x86_models: the model table (QEMU 10.0's order: roughly oldest first)
 */
const X86Model *x86_models(size_t *n);

/**
 * x86_model_find: look a model up by name ("EPYC", case-sensitive)
 */
const X86Model *x86_model_find(const char *name);

/**
 * x86_model_features: the features of version @version of @model
 * (@version 0 means the newest), over x86_featmask_map(), as QEMU
 * expands the model: features whose dependencies the model lacks (the
 * VMX controls of a model without vmx) are left out
 */
FeatmaskSet *x86_model_features(const X86Model *model, int version,
                                Error **errp);

/**
 * X86ModelChoice: a named model version plus extra features, minus
 * features the model has and the common set lacks
 * @model: the model
 * @version: its version
 * @name: "Model-vN" (owned)
 * @extra: the features of the common set the model version lacks
 * @missing: the features of the model version the common set lacks
 *           (switched off with "-x"; empty or NULL when none)
 */
typedef struct X86ModelChoice {
    const X86Model *model;
    int version;
    char *name;
    FeatmaskSet *extra;
    FeatmaskSet *missing;
} X86ModelChoice;

void x86_model_choice_free(X86ModelChoice *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(X86ModelChoice, x86_model_choice_free)

/**
 * x86_model_choose: x86_model_choose_full() over every model of the
 * table, any feature removable
 * @common: the features every host has (over x86_featmask_map())
 * @vendor: the hosts' CPUID vendor ("GenuineIntel")
 * @errp: error object
 */
X86ModelChoice *x86_model_choose(const FeatmaskSet *common,
                                 const char *vendor, Error **errp);

/**
 * x86_model_choose_full: the closest named model, as libvirt picks it
 * @common: the features every host has (over x86_featmask_map())
 * @vendor: the hosts' CPUID vendor; models of other vendors are not
 *          considered
 * @known: the "Model-vN" names every host's QEMU knows, NULL-terminated,
 *         or NULL for every model of the table
 * @removable: the features every host's QEMU can switch off, or NULL
 *             for any
 * @errp: error object
 *
 * Among the model versions of @vendor, the one whose expansion is
 * nearest to @common: the fewest features to add (@extra) plus features
 * to remove (@missing, each in @removable); on a tie the fewer removals,
 * then the later one in the table.  The result never adds a feature
 * outside @common.  Fails if no model fits.
 */
X86ModelChoice *x86_model_choose_full(const FeatmaskSet *common,
                                      const char *vendor,
                                      const char *const *known,
                                      const FeatmaskSet *removable,
                                      Error **errp);

/**
 * x86_model_choice_format: "Model-vN,+x,+y,-z" (the argument of -cpu)
 */
char *x86_model_choice_format(const X86ModelChoice *c);

#endif
