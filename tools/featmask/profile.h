/*
 * featmask host profiles: the JSON document that says what one host can
 * provide (see docs/interop/featmask-profile.rst)
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef FEATMASK_PROFILE_H
#define FEATMASK_PROFILE_H

#include <json-glib/json-glib.h>
#include "qemu/featmask.h"

#define FEATMASK_PROFILE_VERSION 1

/*
 * Limits of what a profile may hold (docs/interop/featmask-profile.rst):
 * far above any real host, low enough that a hostile file cannot make
 * featmask spend long or allocate much.  Nesting is limited by the JSON
 * reader (JSON_PULL_MAX_DEPTH).
 */
#define FEATMASK_PROFILE_MAX_SIZE (64 * 1024 * 1024)    /* bytes */
#define FEATMASK_PROFILE_MAX_DEVICES 65536
#define FEATMASK_PROFILE_MAX_FEATURES 4096  /* per device, CPU or list */

/**
 * FeatmaskProfileCpu:
 * @arch: "x86_64"
 * @vendor: "GenuineIntel", "AuthenticAMD", ...
 * @model: optional, e.g. the CPU's brand string
 * @source: where the list comes from: "kvm" (what KVM gives a guest),
 *          "cpuid" (raw CPUID of this host), "cpuid-dump" (a dump from
 *          another machine), "qemu" or "manual"
 * @features: the feature set over the "x86-cpu" map (or a dynamic map for
 *            other architectures)
 * @unknown_words: the feature words (CPUID leaves, MSRs) the data could
 *                 not tell, NULL-terminated or NULL: their features are
 *                 absent from @features without being known to be missing
 * @view: for raw CPUID ("cpuid", "cpuid-dump"): "kvm" when @features is
 *        what KVM and QEMU would give a guest of it, "raw" when it is the
 *        CPUID as it is; NULL when not said
 */
typedef struct FeatmaskProfileCpu {
    char *arch;
    char *vendor;
    char *model;
    char *source;
    char *view;
    FeatmaskSet *features;
    char **unknown_words;
} FeatmaskProfileCpu;

/**
 * FeatmaskProfileDevice:
 * @id: the device id, which matches devices across hosts
 * @type: QEMU device type ("virtio-net-pci")
 * @backend: backend description ("tap", "vhost-user", ...), may be NULL
 * @source: where the list comes from ("query-device-features",
 *          "x-query-virtio-status", "manual"), may be NULL
 * @features: the available features, over the map of @type (or over a
 *            dynamic map when featmask has no map for @type)
 */
typedef struct FeatmaskProfileDevice {
    char *id;
    char *type;
    char *backend;
    char *source;
    FeatmaskSet *features;
} FeatmaskProfileDevice;

typedef struct FeatmaskDeviceIndex FeatmaskDeviceIndex;

/**
 * FeatmaskProfileSwitches: the feature switches a QEMU takes for a kind
 * @type: "x86-cpu" or a device type ("virtio-net-pci")
 * @names: featmask's canonical names that this QEMU takes, spelled so, as
 *         properties of @type (NULL-terminated)
 */
typedef struct FeatmaskProfileSwitches {
    char *type;
    char **names;
} FeatmaskProfileSwitches;

/**
 * FeatmaskProfile:
 * @host: host name
 * @file: the file it was read from, or NULL
 * @qemu_kind: "patched" or "stock", or NULL
 * @qemu_version: free text, or NULL
 * @qemu_binary: the QEMU this host runs (for plan --verify), or NULL
 * @qemu_accel: "kvm" or "tcg" (#featmask_qemu_accels), or NULL
 * @qemu_args: the host's own QEMU arguments the probe ran with
 *             (machine, backends, devices), NULL-terminated, or NULL
 * @qemu_cpu_models: the -cpu models this QEMU knows, or NULL (unknown)
 * @qemu_switches: FeatmaskProfileSwitches *, or NULL when the profile
 *                 does not say which switches this QEMU takes
 * @cpu: may be NULL
 * @devices: array of FeatmaskProfileDevice *; devices are only ever
 *           appended, and keep their id once it is set
 * @device_index: private, the devices by id (featmask_profile_find_device())
 */
typedef struct FeatmaskProfile {
    char *host;
    char *file;
    char *qemu_kind;
    char *qemu_version;
    char *qemu_binary;
    char *qemu_accel;
    char **qemu_args;
    char **qemu_cpu_models;
    GPtrArray *qemu_switches;
    FeatmaskProfileCpu *cpu;
    GPtrArray *devices;
    FeatmaskDeviceIndex *device_index;
} FeatmaskProfile;

/**
 * FeatmaskMaps: the maps a group of profiles is read with
 *
 * Shipped maps are found by device type; device types featmask has no map
 * for get a dynamic map (negotiation by name), shared by every profile
 * read with the same FeatmaskMaps, so their sets can be compared.
 */
typedef struct FeatmaskMaps FeatmaskMaps;

FeatmaskMaps *featmask_maps_new(void);
void featmask_maps_free(FeatmaskMaps *maps);

/**
 * featmask_maps_get: the map for a device type, "x86-cpu", or a type that
 * got a dynamic map while profiles were read with @maps; NULL if none
 * (the map belongs to @maps)
 */
FeatmaskMap *featmask_maps_get(FeatmaskMaps *maps, const char *type);

/**
 * featmask_maps_kinds: the kinds featmask ships maps for, NULL-terminated
 * (free the array with g_free)
 */
const char **featmask_maps_kinds(void);

FeatmaskProfile *featmask_profile_new(const char *host);
void featmask_profile_cpu_free(FeatmaskProfileCpu *cpu);
void featmask_profile_free(FeatmaskProfile *p);

/**
 * featmask_profiles_load: read profiles from files
 * @files: the files
 * @nfiles: how many
 * @maps: the maps to read them with
 * @errp: error object
 *
 * All files are read before feature names are resolved, so that devices
 * without a shipped map get one dynamic map holding the names of every
 * host.  Errors name the file, line and column and what was expected.
 * Returns an array of FeatmaskProfile *, or NULL.
 */
GPtrArray *featmask_profiles_load(const char *const *files, size_t nfiles,
                                  FeatmaskMaps *maps, Error **errp);

/**
 * FeatmaskProfileLoader: profiles read one by one, from files or from
 * memory, resolved together (as featmask_profiles_load() does) at the end
 */
typedef struct FeatmaskProfileLoader FeatmaskProfileLoader;

FeatmaskProfileLoader *featmask_profile_loader_new(FeatmaskMaps *maps);
void featmask_profile_loader_free(FeatmaskProfileLoader *l);
bool featmask_profile_loader_add_file(FeatmaskProfileLoader *l,
                                      const char *file, Error **errp);

/**
 * featmask_profile_loader_add_text: read one profile from memory
 * @name: what messages call it ("<stdin>")
 * @text: exactly one JSON document (not NUL-terminated)
 * @line: the line of @name that @text starts on, for messages
 */
bool featmask_profile_loader_add_text(FeatmaskProfileLoader *l,
                                      const char *name, const char *text,
                                      size_t len, unsigned line, Error **errp);

/*
 * The two halves of featmask_profile_loader_add_file() and _add_text(),
 * for readers on several threads: each thread reads with a loader of its
 * own (over the same maps), and one thread hands what they read, in
 * input order, to the loader that keeps or sinks it.
 *
 * featmask_profile_loader_read_file(), _read_text(): read one profile;
 * *@pending gets its FeatmaskPendingSet * (a new array, also on failure).
 * featmask_profile_loader_take(): keep or sink @p and @pending (taken).
 */
FeatmaskProfile *featmask_profile_loader_read_file(FeatmaskProfileLoader *l,
                                                   const char *file,
                                                   GPtrArray **pending,
                                                   Error **errp);
FeatmaskProfile *featmask_profile_loader_read_text(FeatmaskProfileLoader *l,
                                                   const char *name,
                                                   const char *text,
                                                   size_t len, unsigned line,
                                                   GPtrArray **pending,
                                                   Error **errp);
bool featmask_profile_loader_take(FeatmaskProfileLoader *l,
                                  FeatmaskProfile *p, GPtrArray *pending,
                                  Error **errp);
FeatmaskMaps *featmask_profile_loader_maps(FeatmaskProfileLoader *l);

/**
 * FeatmaskPendingSet: the features of a device (or CPU) whose type has no
 * shipped map, by name: *@dst gets a set over the type's dynamic map once
 * every profile is read (featmask_profile_loader_finish())
 */
typedef struct FeatmaskPendingSet {
    FeatmaskSet **dst;
    char *type;
    char **names;
} FeatmaskPendingSet;

/**
 * FeatmaskProfileSink: takes each profile as soon as it is read
 * @p: the profile, which the sink now owns
 * @pending: the FeatmaskPendingSet * of @p, which stay NULL in @p
 *
 * Returns false and sets @errp to stop the reading.
 */
typedef bool FeatmaskProfileSink(void *opaque, FeatmaskProfile *p,
                                 GPtrArray *pending, Error **errp);

/**
 * featmask_profile_loader_set_sink: hand each profile to @sink instead of
 * keeping it (a pool read as a stream: memory does not grow with it);
 * featmask_profile_loader_finish() then returns no profiles
 */
void featmask_profile_loader_set_sink(FeatmaskProfileLoader *l,
                                      FeatmaskProfileSink *sink,
                                      void *opaque);

/**
 * featmask_profile_loader_finish: the profiles read, in order (a new
 * reference), or NULL if the names of a device kind without a shipped
 * map do not make a map
 */
GPtrArray *featmask_profile_loader_finish(FeatmaskProfileLoader *l,
                                          Error **errp);

/**
 * featmask_profile_to_node: the profile as a JSON tree (a new node)
 */
JsonNode *featmask_profile_to_node(const FeatmaskProfile *p);

/**
 * featmask_profile_to_json: the profile as a JSON document (pretty, no
 * final newline)
 */
char *featmask_profile_to_json(const FeatmaskProfile *p);

/**
 * featmask_profile_save: write featmask_profile_to_json() to @file
 * ("-" is stdout)
 */
bool featmask_profile_save(const FeatmaskProfile *p, const char *file,
                           Error **errp);

/**
 * featmask_profile_find_device: the first device of @p with id @id, or NULL
 *
 * Through a hash table, which catches up with the devices appended since
 * the last call: a loop over the devices of a large profile stays linear.
 */
FeatmaskProfileDevice *featmask_profile_find_device(const FeatmaskProfile *p,
                                                    const char *id);

/**
 * featmask_profile_add_device: append a device with no features yet
 * @source: where its features come from (may be NULL)
 * @map: the map of its features
 */
FeatmaskProfileDevice *featmask_profile_add_device(FeatmaskProfile *p,
                                                   const char *id,
                                                   const char *type,
                                                   const char *source,
                                                   const FeatmaskMap *map);

/* The accelerators a profile's "qemu" section may name, NULL-ended. */
extern const char *const featmask_qemu_accels[];

/**
 * featmask_profile_switches: the names @p's QEMU takes as switches of
 * @type ("x86-cpu" or a device type), NULL-terminated, or NULL when the
 * profile does not say
 */
char *const *featmask_profile_switches(const FeatmaskProfile *p,
                                       const char *type);

/**
 * featmask_profile_set_switches: record the switches of @type (@names is
 * copied; a second call for a type replaces the first)
 */
void featmask_profile_set_switches(FeatmaskProfile *p, const char *type,
                                   const char *const *names);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskProfile, featmask_profile_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskMaps, featmask_maps_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskProfileLoader,
                              featmask_profile_loader_free)

#endif
