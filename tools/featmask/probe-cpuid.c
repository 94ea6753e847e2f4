/*
 * featmask: probing this host's CPU
 *
 * The one file that talks to libcpuid (raw CPUID) and to /dev/kvm (what
 * KVM can give a guest).  libcpuid's error codes become Error here.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "featmask-config.h"
#include "cpuid-dump.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#if defined(__linux__)
#include <linux/kvm.h>
#endif
#if CONFIG_LIBCPUID
#include <libcpuid/libcpuid.h>
#endif

/*
 * Raw CPUID through libcpuid
 */

#if CONFIG_LIBCPUID
static void exec_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    uint32_t regs[4] = { leaf, 0, sub, 0 };    /* eax, ebx, ecx, edx */

    cpu_exec_cpuid_ext(regs);
    memcpy(r, regs, sizeof(regs));
}

static void set_regs(X86CpuidData *d, uint32_t leaf, uint32_t sub,
                     const uint32_t *r)
{
    /* libcpuid's arrays are indexed by its EAX..EDX order. */
    x86_cpuid_data_set(d, leaf, sub, r[EAX], r[EBX], r[ECX], r[EDX]);
}

X86CpuidData *cpuid_probe_host(Error **errp)
{
    g_autoptr(X86CpuidData) d = x86_cpuid_data_new(X86_CPUID_RAW);
    struct cpu_raw_data_t raw;
    const X86CpuidLeaf *l;
    uint32_t max, r[4], i;
    int ret;

    if (!cpuid_present()) {
        error_setg(errp, "this CPU has no CPUID instruction");
        return NULL;
    }
    ret = cpuid_get_raw_data(&raw);
    if (ret < 0) {
        error_setg(errp, "libcpuid cannot read CPUID: %s (error %d)",
                   cpuid_error(), ret);
        return NULL;
    }

    max = MIN(raw.basic_cpuid[0][EAX], MAX_CPUID_LEVEL - 1);
    for (i = 0; i <= max; i++) {
        set_regs(d, i, 0, raw.basic_cpuid[i]);
    }
    max = raw.ext_cpuid[0][EAX];
    if ((max & 0xffff0000) == 0x80000000) {
        for (i = 0; i <= MIN(max - 0x80000000, MAX_EXT_CPUID_LEVEL - 1);
             i++) {
            set_regs(d, 0x80000000 + i, 0, raw.ext_cpuid[i]);
        }
    }
    for (i = 0; i < MAX_INTELFN12H_LEVEL; i++) {
        set_regs(d, 0x12, i, raw.intel_fn12h[i]);
    }
    for (i = 0; i < MAX_INTELFN14H_LEVEL; i++) {
        set_regs(d, 0x14, i, raw.intel_fn14h[i]);
    }

    /* What libcpuid does not store, read with its cpuid instruction. */
    l = x86_cpuid_data_get(d, 0, 0);
    if (l->eax >= 7) {
        for (i = 1; i <= MIN(x86_cpuid_data_get(d, 7, 0)->eax, 2); i++) {
            exec_cpuid(7, i, r);
            x86_cpuid_data_set(d, 7, i, r[0], r[1], r[2], r[3]);
        }
    }
    if (l->eax >= 0xd) {
        exec_cpuid(0xd, 1, r);
        x86_cpuid_data_set(d, 0xd, 1, r[0], r[1], r[2], r[3]);
    }
    for (i = MAX_CPUID_LEVEL; i <= l->eax && i <= 0x24; i++) {
        exec_cpuid(i, 0, r);
        x86_cpuid_data_set(d, i, 0, r[0], r[1], r[2], r[3]);
    }
    if ((max & 0xffff0000) == 0x80000000) {
        for (i = 0x80000000 + MAX_EXT_CPUID_LEVEL; i <= max &&
             i <= 0x80000022; i++) {
            exec_cpuid(i, 0, r);
            x86_cpuid_data_set(d, i, 0, r[0], r[1], r[2], r[3]);
        }
    }
    exec_cpuid(0xc0000000, 0, r);
    if (r[0] >= 0xc0000001 && r[0] <= 0xc00000ff) {
        x86_cpuid_data_set(d, 0xc0000000, 0, r[0], r[1], r[2], r[3]);
        exec_cpuid(0xc0000001, 0, r);
        x86_cpuid_data_set(d, 0xc0000001, 0, r[0], r[1], r[2], r[3]);
    }
    return g_steal_pointer(&d);
}
#else
X86CpuidData *cpuid_probe_host(Error **errp)
{
    error_setg(errp, "featmask was built without libcpuid: it cannot read"
               " this host's CPUID");
    error_append_hint(errp, "Use --cpuid-dump with a dump of `cpuid -1 -r`"
                      " or `cpuid_tool --save`.\n");
    return NULL;
}
#endif

/*
 * KVM: KVM_GET_SUPPORTED_CPUID and the feature MSRs
 */

KvmCpuidRecord *kvm_cpuid_record_new(void)
{
    KvmCpuidRecord *r = g_new0(KvmCpuidRecord, 1);

    r->entries = g_array_new(FALSE, TRUE, sizeof(X86KvmCpuidEntry));
    r->msr_index = g_array_new(FALSE, TRUE, sizeof(uint32_t));
    r->msr_value = g_array_new(FALSE, TRUE, sizeof(uint64_t));
    return r;
}

void kvm_cpuid_record_free(KvmCpuidRecord *r)
{
    if (!r) {
        return;
    }
    g_array_free(r->entries, TRUE);
    g_array_free(r->msr_index, TRUE);
    g_array_free(r->msr_value, TRUE);
    g_free(r);
}

X86CpuidData *kvm_cpuid_record_data(const KvmCpuidRecord *r)
{
    return x86_cpuid_data_from_kvm((const X86KvmCpuidEntry *)r->entries->data,
                                   r->entries->len,
                                   (const uint32_t *)r->msr_index->data,
                                   (const uint64_t *)r->msr_value->data,
                                   r->msr_index->len);
}

#if defined(__linux__) && defined(KVM_GET_SUPPORTED_CPUID)
static bool kvm_read_cpuid(int fd, KvmCpuidRecord *rec, Error **errp)
{
    g_autofree struct kvm_cpuid2 *cpuid = NULL;
    int nent = 64;
    int i;

    /* KVM says E2BIG until the buffer is large enough. */
    for (;;) {
        g_free(cpuid);
        cpuid = g_malloc0(sizeof(*cpuid) +
                          nent * sizeof(struct kvm_cpuid_entry2));
        cpuid->nent = nent;
        if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0) {
            break;
        }
        if (errno != E2BIG || nent >= 4096) {
            error_setg(errp, "KVM_GET_SUPPORTED_CPUID failed: %s",
                       g_strerror(errno));
            return false;
        }
        nent *= 2;
    }
    for (i = 0; i < (int)cpuid->nent; i++) {
        const struct kvm_cpuid_entry2 *k = &cpuid->entries[i];
        X86KvmCpuidEntry e = {
            .function = k->function, .index = k->index, .flags = k->flags,
            .eax = k->eax, .ebx = k->ebx, .ecx = k->ecx, .edx = k->edx,
        };

        g_array_append_val(rec->entries, e);
    }
    return true;
}

/* The feature MSRs KVM can emulate for a guest (VMX, ARCH_CAPABILITIES...) */
static bool kvm_read_feature_msrs(int fd, KvmCpuidRecord *rec, Error **errp)
{
    struct kvm_msr_list probe = { .nmsrs = 0 };
    g_autofree struct kvm_msr_list *list = NULL;
    g_autofree struct kvm_msrs *msrs = NULL;
    uint32_t i;
    int n;

    if (ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES) <= 0) {
        return true;    /* an old kernel: the MSR words stay unknown */
    }
    if (ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &probe) < 0 &&
        errno != E2BIG) {
        error_setg(errp, "KVM_GET_MSR_FEATURE_INDEX_LIST failed: %s",
                   g_strerror(errno));
        return false;
    }
    list = g_malloc0(sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
    list->nmsrs = probe.nmsrs;
    if (ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, list) < 0) {
        error_setg(errp, "KVM_GET_MSR_FEATURE_INDEX_LIST failed: %s",
                   g_strerror(errno));
        return false;
    }
    msrs = g_malloc0(sizeof(*msrs) +
                     list->nmsrs * sizeof(struct kvm_msr_entry));
    msrs->nmsrs = list->nmsrs;
    for (i = 0; i < list->nmsrs; i++) {
        msrs->entries[i].index = list->indices[i];
    }
    /* Returns how many it read: the first failing one stops it. */
    n = ioctl(fd, KVM_GET_MSRS, msrs);
    if (n < 0) {
        error_setg(errp, "KVM_GET_MSRS on /dev/kvm failed: %s",
                   g_strerror(errno));
        return false;
    }
    for (i = 0; i < (uint32_t)n; i++) {
        g_array_append_val(rec->msr_index, msrs->entries[i].index);
        g_array_append_val(rec->msr_value, msrs->entries[i].data);
    }
    return true;
}

KvmCpuidRecord *kvm_cpuid_record_read(const char *dev, bool *present,
                                      Error **errp)
{
    g_autoptr(KvmCpuidRecord) rec = kvm_cpuid_record_new();
    int fd;
    bool ok;

    *present = true;
    fd = open(dev, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            *present = false;
            return NULL;
        }
        error_setg(errp, "cannot open %s: %s", dev, g_strerror(errno));
        return NULL;
    }
    ok = kvm_read_cpuid(fd, rec, errp) && kvm_read_feature_msrs(fd, rec, errp);
    close(fd);
    return ok ? g_steal_pointer(&rec) : NULL;
}
#else
KvmCpuidRecord *kvm_cpuid_record_read(const char *dev, bool *present,
                                      Error **errp)
{
    *present = false;
    return NULL;
}
#endif

/*
 * Records as text:
 *   # comment
 *   cpuid FUNCTION INDEX FLAGS EAX EBX ECX EDX     (hex, 0x optional)
 *   msr INDEX VALUE
 */

bool kvm_cpuid_record_save(const KvmCpuidRecord *r, const char *file,
                           Error **errp)
{
    g_autoptr(GString) s = g_string_new(
        "# featmask KVM record: KVM_GET_SUPPORTED_CPUID and feature MSRs\n"
        "# cpuid FUNCTION INDEX FLAGS EAX EBX ECX EDX / msr INDEX VALUE\n");
    g_autoptr(GError) gerr = NULL;
    guint i;

    for (i = 0; i < r->entries->len; i++) {
        const X86KvmCpuidEntry *e = &g_array_index(r->entries,
                                                   X86KvmCpuidEntry, i);

        g_string_append_printf(s, "cpuid 0x%08x 0x%x 0x%x 0x%08x 0x%08x"
                               " 0x%08x 0x%08x\n", e->function, e->index,
                               e->flags, e->eax, e->ebx, e->ecx, e->edx);
    }
    for (i = 0; i < r->msr_index->len; i++) {
        g_string_append_printf(s, "msr 0x%x 0x%016" G_GINT64_MODIFIER "x\n",
                               g_array_index(r->msr_index, uint32_t, i),
                               g_array_index(r->msr_value, uint64_t, i));
    }
    if (!strcmp(file, "-")) {
        fputs(s->str, stdout);
        return true;
    }
    if (!g_file_set_contents(file, s->str, s->len, &gerr)) {
        error_setg(errp, "cannot write %s: %s", file, gerr->message);
        return false;
    }
    return true;
}

/*
 * Hex digits only (strtoull would also take a second "0x", a sign or
 * blanks), range-checked as 64 bits before the caller narrows them.
 */
static bool parse_u64(const char *tok, uint64_t max, uint64_t *out)
{
    if (!tok || !*tok || tok[strspn(tok, "0123456789abcdefABCDEF")]) {
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoull(tok, NULL, 16);
    return !errno && *out <= max;
}

KvmCpuidRecord *kvm_cpuid_record_parse(const char *text, const char *file,
                                       Error **errp)
{
    g_autoptr(KvmCpuidRecord) rec = kvm_cpuid_record_new();
    g_auto(GStrv) lines = NULL;
    guint i;

    if (strlen(text) > CPUID_DUMP_MAX_SIZE) {
        error_setg(errp, "%s: a KVM record may have at most %d MiB", file,
                   CPUID_DUMP_MAX_SIZE >> 20);
        return NULL;
    }
    lines = cpuid_text_lines(text);

    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) all = NULL;
        const char *tok[8];
        uint64_t v[7];
        int k, ntok = 0;

        g_strstrip(lines[i]);
        if (!lines[i][0] || lines[i][0] == '#') {
            continue;
        }
        all = g_strsplit_set(lines[i], " \t", -1);
        for (k = 0; all[k]; k++) {
            if (!all[k][0]) {
                continue;       /* repeated blanks */
            }
            if (ntok == G_N_ELEMENTS(tok)) {
                goto bad;
            }
            tok[ntok++] = g_str_has_prefix(all[k], "0x") ? all[k] + 2 : all[k];
        }
        if (!strcmp(tok[0], "cpuid") && ntok == 8) {
            X86KvmCpuidEntry e;

            if (rec->entries->len == CPUID_DUMP_MAX_LEAVES) {
                error_setg(errp, "%s:%u: more than %d cpuid entries in one"
                           " KVM record", file, i + 1, CPUID_DUMP_MAX_LEAVES);
                return NULL;
            }

            for (k = 0; k < 7; k++) {
                if (!parse_u64(tok[k + 1], UINT32_MAX, &v[k])) {
                    goto bad;
                }
            }
            e = (X86KvmCpuidEntry) {
                .function = v[0], .index = v[1], .flags = v[2],
                .eax = v[3], .ebx = v[4], .ecx = v[5], .edx = v[6],
            };
            g_array_append_val(rec->entries, e);
        } else if (!strcmp(tok[0], "msr") && ntok == 3) {
            uint32_t idx;

            if (rec->msr_index->len == CPUID_DUMP_MAX_MSRS) {
                error_setg(errp, "%s:%u: more than %d MSRs in one KVM record",
                           file, i + 1, CPUID_DUMP_MAX_MSRS);
                return NULL;
            }
            if (!parse_u64(tok[1], UINT32_MAX, &v[0]) ||
                !parse_u64(tok[2], UINT64_MAX, &v[1])) {
                goto bad;
            }
            idx = v[0];
            g_array_append_val(rec->msr_index, idx);
            g_array_append_val(rec->msr_value, v[1]);
        } else {
            goto bad;
        }
        continue;
bad:
        error_setg(errp, "%s:%u: expected 'cpuid FUNCTION INDEX FLAGS EAX"
                   " EBX ECX EDX' or 'msr INDEX VALUE' in hex", file, i + 1);
        return NULL;
    }
    if (rec->entries->len == 0) {
        error_setg(errp, "%s: no cpuid entries in this KVM record", file);
        return NULL;
    }
    return g_steal_pointer(&rec);
}

KvmCpuidRecord *kvm_cpuid_record_load(const char *file, Error **errp)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) gerr = NULL;

    if (!g_file_get_contents(file, &text, NULL, &gerr)) {
        error_setg(errp, "cannot read KVM record: %s", gerr->message);
        return NULL;
    }
    return kvm_cpuid_record_parse(text, file, errp);
}
