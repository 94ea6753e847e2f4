/*
 * featmask: raw x86 CPUID data (and KVM's view of it) and its decoding
 * into the x86-cpu map of featmask-cpu.c
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/featmask.h"
#include "featmask-cpu.h"
#include "featmask-cpu-internal.h"

/*
 * Raw CPUID data
 */

/*
 * g_int64_hash() xors the halves: leaf << 32 | subleaf would collide for
 * every leaf and subleaf that differ alike.  Mix the bits (murmur3's
 * finalizer) instead.
 */
static guint leaf_hash(gconstpointer key)
{
    guint64 v = *(const guint64 *)key;

    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdULL;
    v ^= v >> 33;
    return v;
}

X86CpuidData *x86_cpuid_data_new(X86CpuidSource source)
{
    X86CpuidData *d = g_new0(X86CpuidData, 1);

    d->source = source;
    d->leaves = g_array_new(FALSE, TRUE, sizeof(X86CpuidLeaf));
    d->msrs = g_hash_table_new_full(g_int_hash, g_int_equal, g_free, g_free);
    d->index = g_hash_table_new_full(leaf_hash, g_int64_equal, g_free, NULL);
    return d;
}

void x86_cpuid_data_free(X86CpuidData *d)
{
    if (!d) {
        return;
    }
    g_array_free(d->leaves, TRUE);
    g_hash_table_destroy(d->msrs);
    g_hash_table_destroy(d->index);
    g_free(d);
}

const X86CpuidLeaf *x86_cpuid_data_get(const X86CpuidData *d, uint32_t leaf,
                                       uint32_t subleaf)
{
    guint64 key = (guint64)leaf << 32 | subleaf;
    gpointer pos;

    if (!g_hash_table_lookup_extended(d->index, &key, NULL, &pos)) {
        return NULL;
    }
    return &g_array_index(d->leaves, X86CpuidLeaf, GPOINTER_TO_UINT(pos));
}

void x86_cpuid_data_set(X86CpuidData *d, uint32_t leaf, uint32_t subleaf,
                        uint32_t eax, uint32_t ebx, uint32_t ecx,
                        uint32_t edx)
{
    X86CpuidLeaf l = {
        .leaf = leaf, .subleaf = subleaf,
        .eax = eax, .ebx = ebx, .ecx = ecx, .edx = edx,
    };
    X86CpuidLeaf *old = (X86CpuidLeaf *)x86_cpuid_data_get(d, leaf, subleaf);

    if (old) {
        *old = l;
    } else {
        guint64 key = (guint64)leaf << 32 | subleaf;

        g_hash_table_insert(d->index, g_memdup2(&key, sizeof(key)),
                            GUINT_TO_POINTER(d->leaves->len));
        g_array_append_val(d->leaves, l);
    }
}

void x86_cpuid_data_set_msr(X86CpuidData *d, uint32_t index, uint64_t value)
{
    g_hash_table_replace(d->msrs, g_memdup2(&index, sizeof(guint)),
                         g_memdup2(&value, sizeof(value)));
}

bool x86_cpuid_data_get_msr(const X86CpuidData *d, uint32_t index,
                            uint64_t *value)
{
    guint key = index;
    uint64_t *v = g_hash_table_lookup(d->msrs, &key);

    if (v && value) {
        *value = *v;
    }
    return v != NULL;
}

static void put_reg(char *dst, uint32_t r)
{
    dst[0] = r & 0xff;
    dst[1] = (r >> 8) & 0xff;
    dst[2] = (r >> 16) & 0xff;
    dst[3] = r >> 24;
}

char *x86_cpuid_vendor(const X86CpuidData *d)
{
    const X86CpuidLeaf *l = x86_cpuid_data_get(d, 0, 0);
    char v[13];

    if (!l) {
        return NULL;
    }
    /* The vendor string is in EBX, EDX, ECX, in that order. */
    put_reg(v, l->ebx);
    put_reg(v + 4, l->edx);
    put_reg(v + 8, l->ecx);
    v[12] = 0;
    return g_strdup(v);
}

char *x86_cpuid_brand(const X86CpuidData *d)
{
    const X86CpuidLeaf *max = x86_cpuid_data_get(d, 0x80000000, 0);
    char s[49];
    uint32_t i;

    if (!max || max->eax < 0x80000004 || max->eax > 0x8000ffff) {
        return NULL;
    }
    for (i = 0; i < 3; i++) {
        const X86CpuidLeaf *l = x86_cpuid_data_get(d, 0x80000002 + i, 0);

        if (!l) {
            return NULL;
        }
        put_reg(s + i * 16, l->eax);
        put_reg(s + i * 16 + 4, l->ebx);
        put_reg(s + i * 16 + 8, l->ecx);
        put_reg(s + i * 16 + 12, l->edx);
    }
    s[48] = 0;
    /*
     * The brand is ASCII.  Anything else (a corrupt dump) becomes '?':
     * it goes into a profile, which must be UTF-8 JSON.
     */
    for (i = 0; s[i]; i++) {
        if ((guchar)s[i] < 0x20 || (guchar)s[i] > 0x7e) {
            s[i] = '?';
        }
    }
    g_strstrip(s);
    return s[0] ? g_strdup(s) : NULL;
}

/*
 * Decoding
 */

typedef enum X86WordState {
    X86_WORD_ABSENT,    /* the CPU does not have the leaf: all zero */
    X86_WORD_KNOWN,
    X86_WORD_UNKNOWN,   /* the CPU has it, the data does not */
} X86WordState;

static bool reg_bit(const X86CpuidLeaf *l, X86Reg r, unsigned bit)
{
    uint32_t v = r == EAX ? l->eax : r == EBX ? l->ebx :
                 r == ECX ? l->ecx : l->edx;

    return (v >> bit) & 1;
}

/* Is leaf @leaf (subleaf @sub) implemented, according to the data? */
static X86WordState leaf_state(const X86CpuidData *d, uint32_t leaf,
                               uint32_t sub, const X86CpuidLeaf **out)
{
    uint32_t base = leaf & 0xffff0000;
    const X86CpuidLeaf *max = x86_cpuid_data_get(d, base, 0);
    const X86CpuidLeaf *l;

    *out = NULL;
    if (!max || max->eax < leaf || (max->eax & 0xffff0000) != base) {
        return X86_WORD_ABSENT;
    }
    /* Subleaves: the ones these leaves enumerate, or subleaf 0. */
    if (sub > 0) {
        const X86CpuidLeaf *l0 = x86_cpuid_data_get(d, leaf, 0);

        if (!l0) {
            return X86_WORD_UNKNOWN;
        }
        if ((leaf == 0x7 || leaf == 0x14) && l0->eax < sub) {
            return X86_WORD_ABSENT;
        }
    }
    l = x86_cpuid_data_get(d, leaf, sub);
    if (!l) {
        return X86_WORD_UNKNOWN;
    }
    *out = l;
    return X86_WORD_KNOWN;
}

static uint64_t msr_word(const X86WordInfo *wi, uint64_t v)
{
    if (wi->msr_kind == X86_MSR_VMX_CTLS) {
        return (v >> 32) & ~(v & 0xffffffff);
    }
    return v;
}

/* Does the CPU have the MSR behind word @w?  (Its CPUID says so.) */
static bool msr_enumerated(const FeatmaskSet *s, const FeatmaskMap *map,
                           X86FeatWord w)
{
    const char *flag;
    int idx;

    switch (w) {
    case X86_FW_ARCH_CAPABILITIES:
        flag = "arch-capabilities";
        break;
    case X86_FW_CORE_CAPABILITY:
        flag = "core-capability";
        break;
    case X86_FW_PERF_CAPABILITIES:
        flag = "pdcm";
        break;
    default:
        flag = "vmx";
        break;
    }
    idx = featmask_map_lookup(map, flag);
    return idx >= 0 && featmask_set_has(s, idx);
}

FeatmaskSet *x86_cpuid_decode(const X86CpuidData *d, char ***unknown,
                              Error **errp)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    g_autoptr(FeatmaskSet) set = NULL;
    g_autoptr(GPtrArray) unk = g_ptr_array_new();
    g_autofree char *vendor = x86_cpuid_vendor(d);
    uint64_t words[X86_FW__MAX] = { 0 };
    X86WordState state[X86_FW__MAX];
    const X86CpuidLeaf *l;
    size_t w;
    int b;

    if (!vendor) {
        error_setg(errp, "CPUID data has no leaf 0 (vendor)");
        return NULL;
    }
    for (b = 0; b < 12; b++) {
        if (!g_ascii_isprint(vendor[b])) {
            error_setg(errp, "CPUID leaf 0 has no vendor string: this is not"
                       " x86 CPUID data");
            return NULL;
        }
    }

    for (w = 0; w < X86_FW__MAX; w++) {
        const X86WordInfo *wi = &x86_words[w];

        if (wi->is_msr) {
            continue;
        }
        state[w] = leaf_state(d, wi->leaf, wi->subleaf, &l);
        if (state[w] != X86_WORD_KNOWN) {
            continue;
        }
        for (b = 0; b < 32; b++) {
            if (wi->bits[b] && reg_bit(l, wi->reg, b)) {
                words[w] |= 1ull << b;
            }
        }
        if (w == X86_FW_KVM && reg_bit(l, EAX, 3)) {
            /* The second clock source is the same property. */
            words[w] |= 1;
        }
    }

    /*
     * Leaves whose meaning depends on a feature: without the feature the
     * leaf is reserved (or belongs to another vendor).
     */
    if (!(words[X86_FW_8000_0001_ECX] & (1u << 2))) {              /* svm */
        state[X86_FW_SVM] = X86_WORD_ABSENT;
        words[X86_FW_SVM] = 0;
    }
    if (!(words[X86_FW_7_0_EBX] & (1u << 25))) {              /* intel-pt */
        state[X86_FW_14_0_ECX] = X86_WORD_ABSENT;
        words[X86_FW_14_0_ECX] = 0;
    }
    if (!(words[X86_FW_7_0_EBX] & (1u << 2))) {                    /* sgx */
        state[X86_FW_SGX_12_0_EAX] = state[X86_FW_SGX_12_0_EBX] =
            state[X86_FW_SGX_12_1_EAX] = X86_WORD_ABSENT;
        words[X86_FW_SGX_12_0_EAX] = words[X86_FW_SGX_12_0_EBX] =
            words[X86_FW_SGX_12_1_EAX] = 0;
    }
    if (!(words[X86_FW_7_1_EDX] & (1u << 19))) {                 /* avx10 */
        state[X86_FW_24_0_EBX] = X86_WORD_ABSENT;
        words[X86_FW_24_0_EBX] = 0;
    }
    /* Centaur's leaf range; other vendors leave it unimplemented. */
    if (strcmp(vendor, "CentaurHauls") && strcmp(vendor, "  Shanghai  ")) {
        state[X86_FW_C000_0001_EDX] = X86_WORD_ABSENT;
        words[X86_FW_C000_0001_EDX] = 0;
    }
    /*
     * The 0x40000000 range is the hypervisor's: on a host that is itself
     * a guest it describes the outer hypervisor, not what this host's KVM
     * offers.  Only KVM's own answer counts.
     */
    if (d->source != X86_CPUID_KVM) {
        state[X86_FW_KVM] = state[X86_FW_KVM_HINTS] = X86_WORD_UNKNOWN;
        words[X86_FW_KVM] = words[X86_FW_KVM_HINTS] = 0;
    }

    /*
     * Intel CPUs report SYSCALL (0x80000001 EDX bit 11) only to 64-bit
     * code, and dumps are often taken by 32-bit programs; every CPU with
     * long mode has it in long mode, where a 64-bit guest uses it.
     */
    if (words[X86_FW_8000_0001_EDX] & (1u << 29)) {                 /* lm */
        words[X86_FW_8000_0001_EDX] |= 1u << 11;               /* syscall */
    }

    set = featmask_set_from_bits(map, words, X86_FW__MAX, NULL);

    for (w = 0; w < X86_FW__MAX; w++) {
        const X86WordInfo *wi = &x86_words[w];
        uint64_t v;

        if (!wi->is_msr) {
            if (state[w] == X86_WORD_UNKNOWN) {
                g_ptr_array_add(unk, g_strdup(x86_feat_word_name(w)));
            }
            continue;
        }
        if (!msr_enumerated(set, map, w)) {
            continue;
        }
        if (!x86_cpuid_data_get_msr(d, wi->leaf, &v)) {
            g_ptr_array_add(unk, g_strdup(x86_feat_word_name(w)));
            continue;
        }
        v = msr_word(wi, v);
        for (b = 0; b < 64; b++) {
            if (wi->bits[b] && ((v >> b) & 1)) {
                featmask_set_add(set,
                    featmask_map_lookup_bit(map, w * 64 + b));
            }
        }
    }

    if (unknown) {
        g_ptr_array_add(unk, NULL);
        *unknown = (char **)g_ptr_array_free(g_steal_pointer(&unk), FALSE);
    } else {
        g_ptr_array_set_free_func(unk, g_free);
    }
    return g_steal_pointer(&set);
}

FeatmaskSet *x86_cpuid_host_features(const X86CpuidData *d, char ***unknown,
                                     FeatmaskSet **dropped, Error **errp)
{
    g_autoptr(FeatmaskMap) map = x86_featmask_map();
    g_autoptr(FeatmaskSet) set = x86_cpuid_decode(d, unknown, errp);
    g_autoptr(FeatmaskSet) gone = NULL;

    if (!set) {
        return NULL;
    }
    /*
     * QEMU always shows a guest the hypervisor bit (KVM and TCG alike),
     * whatever the host's own CPUID says.
     */
    featmask_set_add(set, featmask_map_lookup(map, "hypervisor"));
    /*
     * KVM leaves the TSC deadline timer out of its supported CPUID, but
     * QEMU offers it with the in-kernel irqchip (its default).
     */
    if (d->source == X86_CPUID_KVM) {
        featmask_set_add(set, featmask_map_lookup(map, "tsc-deadline"));
    }
    gone = featmask_set_new(map);
    featmask_set_close(set, gone);
    if (dropped) {
        *dropped = g_steal_pointer(&gone);
    }
    return g_steal_pointer(&set);
}

/*
 * KVM
 */

/* struct kvm_cpuid_entry2's flag: the index (subleaf) is significant. */
#define X86_KVM_CPUID_FLAG_SIGNIFICANT_INDEX 1

X86CpuidData *x86_cpuid_data_from_kvm(const X86KvmCpuidEntry *entries,
                                      size_t n, const uint32_t *msr_index,
                                      const uint64_t *msr_value,
                                      size_t nmsrs)
{
    X86CpuidData *d = x86_cpuid_data_new(X86_CPUID_KVM);
    size_t i;

    for (i = 0; i < n; i++) {
        const X86KvmCpuidEntry *e = &entries[i];
        uint32_t sub = (e->flags & X86_KVM_CPUID_FLAG_SIGNIFICANT_INDEX) ?
                       e->index : 0;

        x86_cpuid_data_set(d, e->function, sub, e->eax, e->ebx, e->ecx,
                           e->edx);
    }
    for (i = 0; i < nmsrs; i++) {
        x86_cpuid_data_set_msr(d, msr_index[i], msr_value[i]);
    }
    return d;
}
