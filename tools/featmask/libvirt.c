/*
 * featmask: a pool's plan as libvirt domain XML
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "libvirt.h"

/*
 * The x86 CPU features libvirt 9.0 names (cpu_map/x86_features.xml), by
 * QEMU's name, in the order of featmask's map; the second name where
 * libvirt spells it otherwise.  tests/unit/test-libvirt.c checks every
 * entry against the installed cpu_map by CPUID leaf, register and bit.
 */
static const struct {
    const char *qemu;
    const char *libvirt;
} cpu_features[] = {
    { "fpu" }, { "vme" }, { "de" }, { "pse" }, { "tsc" }, { "msr" }, { "pae" },
    { "mce" }, { "cx8" }, { "apic" }, { "sep" }, { "mtrr" }, { "pge" },
    { "mca" }, { "cmov" }, { "pat" }, { "pse36" }, { "pn" }, { "clflush" },
    { "ds" }, { "acpi" }, { "mmx" }, { "fxsr" }, { "sse" }, { "sse2" },
    { "ss" }, { "ht" }, { "tm" }, { "ia64" }, { "pbe" }, { "pni" },
    { "pclmulqdq", "pclmuldq" }, { "dtes64" }, { "monitor" },
    { "ds-cpl", "ds_cpl" }, { "vmx" }, { "smx" }, { "est" }, { "tm2" },
    { "ssse3" }, { "cid" }, { "fma" }, { "cx16" }, { "xtpr" }, { "pdcm" },
    { "pcid" }, { "dca" }, { "sse4.1" }, { "sse4.2" }, { "x2apic" },
    { "movbe" }, { "popcnt" }, { "tsc-deadline" }, { "aes" }, { "xsave" },
    { "avx" }, { "f16c" }, { "rdrand" }, { "hypervisor" }, { "fsgsbase" },
    { "tsc-adjust", "tsc_adjust" }, { "sgx" }, { "bmi1" }, { "hle" },
    { "avx2" }, { "smep" }, { "bmi2" }, { "erms" }, { "invpcid" }, { "rtm" },
    { "mpx" }, { "avx512f" }, { "avx512dq" }, { "rdseed" }, { "adx" },
    { "smap" }, { "avx512ifma" }, { "pcommit" }, { "clflushopt" }, { "clwb" },
    { "intel-pt" }, { "avx512pf" }, { "avx512er" }, { "avx512cd" },
    { "sha-ni" }, { "avx512bw" }, { "avx512vl" }, { "avx512vbmi" }, { "umip" },
    { "pku" }, { "waitpkg" }, { "avx512vbmi2" }, { "gfni" }, { "vaes" },
    { "vpclmulqdq" }, { "avx512vnni" }, { "avx512bitalg" },
    { "avx512-vpopcntdq" }, { "la57" }, { "rdpid" }, { "bus-lock-detect" },
    { "cldemote" }, { "movdiri" }, { "movdir64b" }, { "sgxlc" }, { "pks" },
    { "avx512-4vnniw" }, { "avx512-4fmaps" }, { "fsrm" },
    { "avx512-vp2intersect" }, { "md-clear" }, { "serialize" },
    { "tsx-ldtrk" }, { "arch-lbr" }, { "amx-bf16" }, { "avx512-fp16" },
    { "amx-tile" }, { "amx-int8" }, { "spec-ctrl" }, { "stibp" },
    { "arch-capabilities" }, { "core-capability" }, { "ssbd" }, { "avx-vnni" },
    { "avx512-bf16" }, { "syscall" }, { "nx" }, { "mmxext" },
    { "fxsr-opt", "fxsr_opt" }, { "pdpe1gb" }, { "rdtscp" }, { "lm" },
    { "3dnowext" }, { "3dnow" }, { "lahf-lm", "lahf_lm" },
    { "cmp-legacy", "cmp_legacy" }, { "svm" }, { "extapic" }, { "cr8legacy" },
    { "abm" }, { "sse4a" }, { "misalignsse" }, { "3dnowprefetch" }, { "osvw" },
    { "ibs" }, { "xop" }, { "skinit" }, { "wdt" }, { "lwp" }, { "fma4" },
    { "tce" }, { "nodeid-msr", "nodeid_msr" }, { "tbm" }, { "topoext" },
    { "perfctr-core", "perfctr_core" }, { "perfctr-nb", "perfctr_nb" },
    { "clzero" }, { "xsaveerptr" }, { "invtsc" }, { "wbnoinvd" }, { "ibpb" },
    { "ibrs" }, { "amd-stibp" }, { "amd-ssbd" }, { "virt-ssbd" },
    { "amd-no-ssb" }, { "npt" }, { "lbrv" }, { "svm-lock" }, { "nrip-save" },
    { "tsc-scale" }, { "vmcb-clean" }, { "flushbyasid" }, { "decodeassists" },
    { "pause-filter" }, { "pfthreshold" }, { "avic" }, { "v-vmsave-vmload" },
    { "vgif" }, { "svme-addr-chk" }, { "xsaveopt" }, { "xsavec" },
    { "xgetbv1" }, { "xsaves" }, { "xfd" }, { "arat" }, { "intel-pt-lip" },
    { "sgx1" }, { "sgx2" }, { "sgx-exinfo" }, { "sgx-debug" },
    { "sgx-mode64" }, { "sgx-provisionkey" }, { "sgx-tokenkey" },
    { "sgx-kss" }, { "rdctl-no" }, { "ibrs-all" }, { "rsba" },
    { "skip-l1dfl-vmentry" }, { "ssb-no" }, { "mds-no" }, { "pschange-mc-no" },
    { "tsx-ctrl" }, { "taa-no" }, { "split-lock-detect" },
};

/* libvirt 9.0's x86 CPU models (cpu_map/x86_*.xml) */
static const char *const cpu_models[] = {
    "486", "Broadwell", "Broadwell-IBRS", "Broadwell-noTSX",
    "Broadwell-noTSX-IBRS", "Cascadelake-Server", "Cascadelake-Server-noTSX",
    "Conroe", "Cooperlake", "Dhyana", "EPYC", "EPYC-IBPB", "EPYC-Milan",
    "EPYC-Rome", "Haswell", "Haswell-IBRS", "Haswell-noTSX",
    "Haswell-noTSX-IBRS", "Icelake-Client", "Icelake-Client-noTSX",
    "Icelake-Server", "Icelake-Server-noTSX", "IvyBridge", "IvyBridge-IBRS",
    "Nehalem", "Nehalem-IBRS", "Opteron_G1", "Opteron_G2", "Opteron_G3",
    "Opteron_G4", "Opteron_G5", "Penryn", "SandyBridge", "SandyBridge-IBRS",
    "Skylake-Client", "Skylake-Client-IBRS", "Skylake-Client-noTSX-IBRS",
    "Skylake-Server", "Skylake-Server-IBRS", "Skylake-Server-noTSX-IBRS",
    "Snowridge", "Westmere", "Westmere-IBRS", "athlon", "core2duo", "coreduo",
    "cpu64-rhel5", "cpu64-rhel6", "kvm32", "kvm64", "n270", "pentium",
    "pentium2", "pentium3", "pentiumpro", "phenom", "qemu32", "qemu64",
    NULL
};

const char *featmask_libvirt_cpu_feature(const char *qemu_name)
{
    static GHashTable *names;
    size_t i;

    if (!names) {
        names = g_hash_table_new(g_str_hash, g_str_equal);
        for (i = 0; i < G_N_ELEMENTS(cpu_features); i++) {
            g_hash_table_insert(names, (char *)cpu_features[i].qemu,
                                (char *)(cpu_features[i].libvirt ?:
                                         cpu_features[i].qemu));
        }
    }
    return g_hash_table_lookup(names, qemu_name);
}

const char *const *featmask_libvirt_cpu_features(size_t *n)
{
    static const char **pairs;
    size_t i;

    if (!pairs) {
        pairs = g_new0(const char *, 2 * G_N_ELEMENTS(cpu_features) + 1);
        for (i = 0; i < G_N_ELEMENTS(cpu_features); i++) {
            pairs[2 * i] = cpu_features[i].qemu;
            pairs[2 * i + 1] = cpu_features[i].libvirt ?:
                               cpu_features[i].qemu;
        }
    }
    *n = G_N_ELEMENTS(cpu_features);
    return pairs;
}

const char *const *featmask_libvirt_cpu_models(void)
{
    return cpu_models;
}

const char *featmask_libvirt_cpu_model(const X86ModelChoice *c)
{
    int v;

    /* Version 1 is the model's name; later ones have libvirt's names as
     * their QEMU aliases ("Skylake-Server-IBRS" is Skylake-Server-v2). */
    for (v = c->version; v >= 1; v--) {
        const char *name = v == 1 ? c->model->name : NULL;
        size_t i;

        for (i = 0; i < c->model->nversions && !name; i++) {
            if (c->model->versions[i].version == v) {
                name = c->model->versions[i].alias;
            }
        }
        if (name && g_strv_contains(cpu_models, name)) {
            return name;
        }
    }
    return NULL;
}

/*
 * Device features as libvirt's <driver> attributes.  @sub is the child
 * element of <driver> the attribute is on ("host" or "guest"), or NULL
 * for <driver> itself.
 */
typedef struct DriverAttr {
    const char *feature;
    const char *sub;
    const char *attr;
} DriverAttr;

/* Every virtio device's <driver> (libvirt's virtio options). */
static const DriverAttr virtio_attrs[] = {
    { "iommu_platform", NULL, "iommu" },
    { "packed", NULL, "packed" },
    { NULL }
};

static const DriverAttr net_attrs[] = {
    { "event_idx", NULL, "event_idx" },
    { "rss", NULL, "rss" },
    { "hash", NULL, "rss_hash_report" },
    { "csum", "host", "csum" },
    { "gso", "host", "gso" },
    { "host_tso4", "host", "tso4" },
    { "host_tso6", "host", "tso6" },
    { "host_ecn", "host", "ecn" },
    { "host_ufo", "host", "ufo" },
    { "mrg_rxbuf", "host", "mrg_rxbuf" },
    { "guest_csum", "guest", "csum" },
    { "guest_tso4", "guest", "tso4" },
    { "guest_tso6", "guest", "tso6" },
    { "guest_ecn", "guest", "ecn" },
    { "guest_ufo", "guest", "ufo" },
    { NULL }
};

static const DriverAttr blk_attrs[] = {
    { "event_idx", NULL, "event_idx" },
    { NULL }
};

/*
 * The libvirt element of each device kind featmask has a map for.  The
 * element's type and source are the user's own: the fragment carries the
 * model, <driver> and the alias that <qemu:override> refers to.
 */
typedef struct LibvirtDevice {
    const char *kind;
    const char *element;
    const char *open;           /* after "<element" */
    const char *body;           /* children before <driver> */
    const char *driver;         /* attributes <driver> always has */
    const char *tail;           /* children after <driver>; %s: target */
    const DriverAttr *attrs;
} LibvirtDevice;

static const LibvirtDevice devices[] = {
    { "virtio-net", "interface", " type='ethernet'",
      "<model type='virtio'/>", "", NULL, net_attrs },
    { "virtio-blk", "disk", " type='file' device='disk'", NULL,
      " name='qemu' type='raw'", "<target dev='%s' bus='virtio'/>",
      blk_attrs },
    { "virtio-scsi", "controller", " type='scsi' model='virtio-scsi'", NULL,
      "", NULL, NULL },
};

static const LibvirtDevice *find_device(const char *kind)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(devices); i++) {
        if (!strcmp(devices[i].kind, kind)) {
            return &devices[i];
        }
    }
    return NULL;
}

static const DriverAttr *find_attr(const LibvirtDevice *dev,
                                   const char *feature)
{
    const DriverAttr *a;

    for (a = dev->attrs; a && a->feature; a++) {
        if (!strcmp(a->feature, feature)) {
            return a;
        }
    }
    for (a = virtio_attrs; a->feature; a++) {
        if (!strcmp(a->feature, feature)) {
            return a;
        }
    }
    return NULL;
}

static void G_GNUC_PRINTF(2, 3) add_msg(GPtrArray *list, const char *fmt,
                                        ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(list, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static const char *host_name(const FeatmaskPool *pool, guint h)
{
    return ((FeatmaskProfile *)pool->profiles->pdata[h])->host;
}

static void cpu_feature(GString *x, const char *policy, const char *name)
{
    g_string_append_printf(x, "    <feature policy='%s' name='%s'/>\n",
                           policy, name);
}

/*
 * host-passthrough: what this host has beyond the common set, disabled.
 * custom: a named model with every feature libvirt can name required or
 * disabled, so the guest CPU is exactly the common set whatever
 * libvirt's model holds.
 */
static void write_cpu(GString *x, const FeatmaskLibvirtPlan *plan, guint h,
                      GPtrArray *problems, GPtrArray *notes)
{
    const FeatmaskPoolItem *cpu = plan->pool->cpu;
    const FeatmaskSet *common = featmask_baseline_common(cpu->baseline);
    const FeatmaskSet *off = featmask_baseline_turn_off(cpu->baseline, h);
    const char *name;
    size_t i;
    int f;

    if (strcmp(featmask_map_kind(cpu->map), X86_FEATMASK_KIND)) {
        add_msg(problems, "%s: cpu: featmask writes libvirt's CPU features"
                " for x86 CPUs only, not %s", host_name(plan->pool, h),
                featmask_map_kind(cpu->map));
        return;
    }
    if (!plan->model) {
        FeatmaskProfile *p = plan->pool->profiles->pdata[h];
        g_autoptr(FeatmaskSet) left = featmask_set_copy(p->cpu->features);

        featmask_set_subtract(left, off);
        g_string_append(x, "  <cpu mode='host-passthrough' "
                        "migratable='on'>\n");
        for (f = featmask_set_next(off, 0); f >= 0;
             f = featmask_set_next(off, f + 1)) {
            const char *q = featmask_map_get(cpu->map, f)->name;

            name = featmask_libvirt_cpu_feature(q);
            if (name) {
                cpu_feature(x, "disable", name);
            } else if (!featmask_set_deps_ok(left, f)) {
                /* off with what it needs (vmx-* with vmx): QEMU drops it */
            } else {
                add_msg(problems, "%s: cpu: libvirt %s cannot name '%s', "
                        "which this host must turn off", host_name(
                        plan->pool, h), FEATMASK_LIBVIRT_VERSION, q);
            }
        }
        g_string_append(x, "  </cpu>\n");
        return;
    }
    name = featmask_libvirt_cpu_model(plan->model);
    g_string_append_printf(x, "  <cpu mode='custom' match='exact' "
                           "check='full'>\n    <model fallback='forbid'>"
                           "%s</model>\n", name ? name : "qemu64");
    for (i = 0; i < G_N_ELEMENTS(cpu_features); i++) {
        int idx = featmask_map_lookup(cpu->map, cpu_features[i].qemu);

        if (idx >= 0) {
            cpu_feature(x, featmask_set_has(common, idx) ? "require"
                                                         : "disable",
                        cpu_features[i].libvirt ?: cpu_features[i].qemu);
        }
    }
    g_string_append(x, "  </cpu>\n");
    if (!notes) {
        return;
    }
    for (f = featmask_set_next(common, 0); f >= 0;
         f = featmask_set_next(common, f + 1)) {
        const char *q = featmask_map_get(cpu->map, f)->name;

        if (!featmask_libvirt_cpu_feature(q)) {
            add_msg(notes, "cpu: libvirt %s cannot name '%s': the guest "
                    "will not have it", FEATMASK_LIBVIRT_VERSION, q);
        }
    }
}

/* "<driver a='off'><host b='off'/><guest c='off'/></driver>" */
static char *driver_element(const LibvirtDevice *dev, const FeatmaskSet *off,
                            const char *where, GPtrArray *problems)
{
    const FeatmaskMap *map = featmask_set_map(off);
    g_autoptr(GString) top = g_string_new(dev->driver);
    g_autoptr(GString) host = g_string_new(NULL);
    g_autoptr(GString) guest = g_string_new(NULL);
    int f;

    for (f = featmask_set_next(off, 0); f >= 0;
         f = featmask_set_next(off, f + 1)) {
        const char *q = featmask_map_get(map, f)->name;
        const DriverAttr *a = find_attr(dev, q);
        GString *s;

        if (!a) {
            add_msg(problems, "%s: libvirt %s has no <driver> attribute for"
                    " '%s', which this host must turn off (a QEMU with "
                    "featmask's patch-set takes it through features=)",
                    where, FEATMASK_LIBVIRT_VERSION, q);
            continue;
        }
        s = !a->sub ? top : !strcmp(a->sub, "host") ? host : guest;
        g_string_append_printf(s, " %s='off'", a->attr);
    }
    if (!top->len && !host->len && !guest->len) {
        return NULL;
    }
    if (!host->len && !guest->len) {
        return g_strdup_printf("<driver%s/>", top->str);
    }
    return g_strdup_printf("<driver%s>%s%s%s%s%s%s</driver>", top->str,
                           host->len ? "<host" : "", host->str,
                           host->len ? "/>" : "", guest->len ? "<guest" : "",
                           guest->len ? guest->str : "",
                           guest->len ? "/>" : "");
}

/* A user alias is "ua-" and the device id. */
static bool alias_ok(const char *id)
{
    return *id && strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
                         "TUVWXYZ0123456789_-") == strlen(id);
}

static void write_devices(GString *x, const FeatmaskLibvirtPlan *plan,
                          guint h, GPtrArray *problems)
{
    const FeatmaskPool *pool = plan->pool;
    unsigned ndisks = 0;
    guint d;

    if (!pool->devices->len) {
        return;
    }
    g_string_append(x, "  <devices>\n");
    for (d = 0; d < pool->devices->len; d++) {
        const FeatmaskPoolItem *item = pool->devices->pdata[d];
        const LibvirtDevice *dev = find_device(
            featmask_map_kind(item->map));
        g_autofree char *where = g_strdup_printf("%s: device '%s' (%s)",
            host_name(pool, h), item->id, item->type);
        g_autofree char *driver = NULL;

        if (!dev) {
            add_msg(problems, "%s: libvirt has no device element featmask"
                    " knows for this type (it writes virtio-net, virtio-blk"
                    " and virtio-scsi)", where);
            continue;
        }
        if (!alias_ok(item->id)) {
            add_msg(problems, "%s: libvirt aliases take letters, digits,"
                    " '_' and '-' only", where);
            continue;
        }
        if (!plan->features || !plan->features[d]) {
            driver = driver_element(dev,
                featmask_baseline_turn_off(item->baseline, h), where,
                problems);
        } else if (*dev->driver) {
            driver = g_strdup_printf("<driver%s/>", dev->driver);
        }
        g_string_append_printf(x, "    <%s%s>\n", dev->element, dev->open);
        if (dev->body) {
            g_string_append_printf(x, "      %s\n", dev->body);
        }
        if (driver) {
            g_string_append_printf(x, "      %s\n", driver);
        }
        if (dev->tail) {
            g_autofree char *target = g_strdup_printf("vd%c",
                                                      'a' + ndisks++ % 26);
            g_autofree char *tail = g_strdup_printf(dev->tail, target);

            g_string_append_printf(x, "      %s\n", tail);
        }
        g_string_append_printf(x, "      <alias name='ua-%s'/>\n"
                               "    </%s>\n", item->id, dev->element);
    }
    g_string_append(x, "  </devices>\n");
}

/* features= of a patched QEMU, keyed by the device's alias. */
static void write_override(GString *x, const FeatmaskLibvirtPlan *plan)
{
    const FeatmaskPool *pool = plan->pool;
    bool any = false;
    guint d;

    for (d = 0; plan->features && d < pool->devices->len; d++) {
        const FeatmaskPoolItem *item = pool->devices->pdata[d];

        if (!plan->features[d] || !alias_ok(item->id) ||
            !find_device(featmask_map_kind(item->map))) {
            continue;
        }
        if (!any) {
            g_string_append(x, "  <qemu:override>\n");
            any = true;
        }
        g_string_append_printf(x, "    <qemu:device alias='ua-%s'>\n"
            "      <qemu:frontend>\n"
            "        <qemu:property name='features' type='string' "
            "value='%s'/>\n      </qemu:frontend>\n    </qemu:device>\n",
            item->id, plan->features[d]);
    }
    if (any) {
        g_string_append(x, "  </qemu:override>\n");
    }
}

char *featmask_libvirt_host(const FeatmaskLibvirtPlan *plan, guint h,
                            GPtrArray *problems, GPtrArray *notes)
{
    GString *x = g_string_new(NULL);
    g_autofree char *esc = g_markup_escape_text(host_name(plan->pool, h),
                                                -1);
    g_auto(GStrv) parts = g_strsplit(esc, "--", -1);
    g_autofree char *name = g_strjoinv("- -", parts);  /* no -- in comments */

    g_string_append_printf(x, "<!-- featmask plan for host '%s' (libvirt "
        "%s): merge <cpu>, each device's <driver> and <alias>, and "
        "<qemu:override> into the domain; device types and sources are "
        "yours -->\n<domain type='kvm' xmlns:qemu='http://libvirt.org/"
        "schemas/domain/qemu/1.0'>\n", name, FEATMASK_LIBVIRT_VERSION);
    if (plan->pool->cpu) {
        write_cpu(x, plan, h, problems, notes);
    }
    write_devices(x, plan, h, problems);
    write_override(x, plan);
    g_string_append(x, "</domain>\n");
    return g_string_free(x, FALSE);
}
