/*
 * featmask: feature maps, feature sets, mask strings and negotiation
 *
 * A feature map describes the features of one kind of device (or of a
 * CPU): names, aliases, bits and dependencies.  A feature set is a bitmap
 * over the entries of a map.  Mask strings ("all,-mrg_rxbuf") select a
 * set, and the negotiation helper folds the sets available on N hosts
 * into the common set that every host can provide.
 *
 * This file is plain C11 + glib: it builds both inside QEMU and in the
 * standalone libfeatmask.
 *
 * Copyright (c) 2026 The featmask authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef QEMU_FEATMASK_H
#define QEMU_FEATMASK_H

/* Self-contained for the standalone library's users. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

typedef struct Error Error;

/* No bit: the feature is not a bit of a device feature word. */
#define FEATMASK_NO_BIT (-1)

/*
 * How a feature with a switch other than a bit property of its own name is
 * switched (FeatmaskFeature.switch_prop names the property).  Every kind
 * takes "on" and "off"; "off" keeps the feature from the guest.
 */
/*
 * FEATMASK_SWITCH_BIT: a bit property of the feature's name
 * FEATMASK_SWITCH_BOOL: a bool property: on offers it
 * FEATMASK_SWITCH_ON_OFF_AUTO: OnOffAuto: on requires it of the backend,
 *     auto offers it if the backend has it, off never
 * FEATMASK_SWITCH_FLAG: a bit property on another field than the feature
 *     word (virtio-gpu's conf.flags)
 */
typedef enum FeatmaskSwitchKind {
    FEATMASK_SWITCH_BIT,
    FEATMASK_SWITCH_BOOL,
    FEATMASK_SWITCH_ON_OFF_AUTO,
    FEATMASK_SWITCH_FLAG,
} FeatmaskSwitchKind;

/**
 * FeatmaskFeature:
 * @name: canonical name, spelled as the QEMU property that controls it
 * @aliases: other accepted spellings, NULL-terminated (may be NULL)
 * @bit: bit number in the device's feature space, or %FEATMASK_NO_BIT
 * @desc: one-line description
 * @requires: names of features that must all be present (NULL-terminated)
 * @requires_any: names of which at least one must be present
 * @unmigratable: QEMU cannot migrate a guest that uses this feature
 * @no_property: QEMU has no property of this name to switch it off; it
 *               follows the backend or QEMU's own logic
 * @switch_prop: the QEMU property that switches the feature when it is not
 *               a bit property of @name on the feature word (a bool, an
 *               OnOffAuto, a flag); NULL for none.  Such features also
 *               have @no_property, since @name itself is no property.
 * @switch_kind: what kind of property @switch_prop is
 *
 * One entry of a feature map.  Static tables use designated initializers
 * and compound literals for the name lists.  The spellings with '-' and
 * '_' of a name are always accepted, they need not be listed as aliases.
 */
typedef struct FeatmaskFeature {
    const char *name;
    const char *const *aliases;
    int bit;
    const char *desc;
    const char *const *requires;
    const char *const *requires_any;
    bool unmigratable;
    bool no_property;
    const char *switch_prop;
    FeatmaskSwitchKind switch_kind;
} FeatmaskFeature;

#define FEATMASK_NAMES(...) ((const char *const[]) { __VA_ARGS__, NULL })

typedef struct FeatmaskMap FeatmaskMap;
typedef struct FeatmaskSet FeatmaskSet;
typedef struct FeatmaskMask FeatmaskMask;
typedef struct FeatmaskBaseline FeatmaskBaseline;

/*
 * Feature maps
 */

/**
 * featmask_map_new: start building a feature map
 * @kind: the kind of device the map describes ("virtio-net", "x86-cpu")
 * @desc: one-line description of the kind
 *
 * Add entries with featmask_map_add() or featmask_map_add_table(), then
 * call featmask_map_finalize() before using the map.
 */
FeatmaskMap *featmask_map_new(const char *kind, const char *desc);

/**
 * featmask_map_add: add one feature to a map that is not finalized
 * @map: the map
 * @feature: the entry; copied, but the strings it points to must outlive
 *           the map unless the map was told to own them (see
 *           featmask_map_add_dynamic())
 * @errp: error object
 *
 * Fails if the name, an alias or the bit is already used in @map.
 */
bool featmask_map_add(FeatmaskMap *map, const FeatmaskFeature *feature,
                      Error **errp);

/**
 * featmask_map_add_table: add a static table of entries
 */
bool featmask_map_add_table(FeatmaskMap *map, const FeatmaskFeature *table,
                            size_t n, Error **errp);

/**
 * featmask_map_add_dynamic: add a feature known only by its name
 * @map: the map
 * @name: the name; copied
 * @bit: its bit, or %FEATMASK_NO_BIT
 * @errp: error object
 *
 * Used for device kinds featmask has no table for (negotiation by name,
 * without dependency knowledge) and, inside QEMU, for maps derived from
 * a device's own bit properties.
 */
bool featmask_map_add_dynamic(FeatmaskMap *map, const char *name, int bit,
                              Error **errp);

/**
 * featmask_map_finalize: resolve dependencies and freeze the map
 *
 * A dependency on a name the map does not have is an error.  After this,
 * the map is immutable and sets can be made over it.
 */
bool featmask_map_finalize(FeatmaskMap *map, Error **errp);

FeatmaskMap *featmask_map_ref(FeatmaskMap *map);
void featmask_map_unref(FeatmaskMap *map);

const char *featmask_map_kind(const FeatmaskMap *map);
const char *featmask_map_desc(const FeatmaskMap *map);
/* True for maps built from names only (no dependency knowledge). */
bool featmask_map_is_dynamic(const FeatmaskMap *map);
size_t featmask_map_size(const FeatmaskMap *map);
const FeatmaskFeature *featmask_map_get(const FeatmaskMap *map, size_t idx);

/**
 * featmask_map_lookup: find a feature by name or alias
 *
 * Returns its index, or -1.  '-' and '_' are interchangeable.
 */
int featmask_map_lookup(const FeatmaskMap *map, const char *name);

/**
 * featmask_map_lookup_bit: find the feature with device bit @bit, or -1
 */
int featmask_map_lookup_bit(const FeatmaskMap *map, int bit);

/**
 * featmask_map_resolve: like featmask_map_lookup(), but an unknown name is
 * an error that names it, the map's kind and the nearest valid names; with
 * none near, the hint of featmask_set_names_hint() says where they are.
 */
int featmask_map_resolve(const FeatmaskMap *map, const char *name,
                         Error **errp);

/**
 * FeatmaskNamesHintFunc: a hint line ("Use 'featmask list virtio-net' for
 * the valid names.\n") for an unknown name of @map, or NULL; freed by the
 * caller
 */
typedef char *(*FeatmaskNamesHintFunc)(const FeatmaskMap *map);

/**
 * featmask_set_names_hint: let the program say where the valid names of a
 * map are (the core knows no command or option that lists them); NULL, the
 * default, for no such hint
 */
void featmask_set_names_hint(FeatmaskNamesHintFunc fn);

/**
 * featmask_map_suggest: the valid names nearest to @name (edit distance),
 * at most @max of them, as a NULL-terminated vector (free with g_strfreev).
 */
char **featmask_map_suggest(const FeatmaskMap *map, const char *name,
                            size_t max);

/*
 * Feature sets: bitmaps over the entries of one map
 */

FeatmaskSet *featmask_set_new(const FeatmaskMap *map);
/* Every feature of the map. */
FeatmaskSet *featmask_set_new_full(const FeatmaskMap *map);
FeatmaskSet *featmask_set_copy(const FeatmaskSet *set);
void featmask_set_free(FeatmaskSet *set);
const FeatmaskMap *featmask_set_map(const FeatmaskSet *set);

void featmask_set_add(FeatmaskSet *set, size_t idx);
void featmask_set_del(FeatmaskSet *set, size_t idx);
bool featmask_set_has(const FeatmaskSet *set, size_t idx);
size_t featmask_set_count(const FeatmaskSet *set);
bool featmask_set_is_empty(const FeatmaskSet *set);
bool featmask_set_equal(const FeatmaskSet *a, const FeatmaskSet *b);
/* Every feature of @a is in @b. */
bool featmask_set_is_subset(const FeatmaskSet *a, const FeatmaskSet *b);
/* dst |= src, dst &= src, dst &= ~src; both over the same map. */
void featmask_set_union(FeatmaskSet *dst, const FeatmaskSet *src);
void featmask_set_intersect(FeatmaskSet *dst, const FeatmaskSet *src);
void featmask_set_subtract(FeatmaskSet *dst, const FeatmaskSet *src);

/**
 * featmask_set_next: iterate over a set
 *
 * Returns the first member with index >= @idx, or -1.  Loop with
 * for (i = featmask_set_next(s, 0); i >= 0; i = featmask_set_next(s, i + 1))
 */
int featmask_set_next(const FeatmaskSet *set, size_t idx);

/**
 * featmask_set_add_name: add the feature called @name (or an alias)
 */
bool featmask_set_add_name(FeatmaskSet *set, const char *name, Error **errp);

/**
 * featmask_set_from_names: the set of the named features
 */
FeatmaskSet *featmask_set_from_names(const FeatmaskMap *map,
                                     const char *const *names, Error **errp);

/**
 * featmask_set_to_names: canonical names of the members, in map order
 * (NULL-terminated; the strings belong to the map, free with g_free)
 */
const char **featmask_set_to_names(const FeatmaskSet *set);

/**
 * featmask_set_format: "a,b,c" in map order, "none" for the empty set
 */
char *featmask_set_format(const FeatmaskSet *set);

/**
 * featmask_set_from_bits / featmask_set_to_bits: convert to and from a
 * device feature word (bits as in FeatmaskFeature.bit).  Bits the map
 * does not name are ignored by from_bits and reported in @unknown.
 */
FeatmaskSet *featmask_set_from_bits(const FeatmaskMap *map,
                                    const uint64_t *words, size_t nwords,
                                    uint64_t *unknown);
void featmask_set_to_bits(const FeatmaskSet *set, uint64_t *words,
                          size_t nwords);

/*
 * Dependencies
 */

/**
 * featmask_set_deps_ok: does feature @idx have what it depends on in @set?
 */
bool featmask_set_deps_ok(const FeatmaskSet *set, size_t idx);

/**
 * featmask_set_close: drop every member whose dependencies are not met,
 * until nothing more changes.
 * @set: the set, changed in place
 * @dropped: if not NULL, receives the dropped members (same map)
 *
 * Returns the number of features dropped.
 */
size_t featmask_set_close(FeatmaskSet *set, FeatmaskSet *dropped);

/**
 * featmask_set_missing_deps: the dependencies of @idx not met in @set, as
 * human text ("host_tso4 or host_tso6", "csum"); NULL if all are met.
 */
char *featmask_set_missing_deps(const FeatmaskSet *set, size_t idx);

/*
 * Mask strings
 *
 *   csum,gso          exactly these (nothing else)
 *   none,csum         the same, spelled out
 *   all,-mrg_rxbuf    everything but these
 *   +a,-b / a=on,b=off   the default set, with a added and b removed
 *
 * Items are separated by ',' or ':'.  On QEMU's command line, where a
 * comma ends the option's value, write "features=all:-mrg_rxbuf" (or
 * double the commas); JSON and QMP take either.
 *
 * Names may be given by alias.  Naming a feature both on and off, a
 * second "all"/"none", an unknown name or an empty item is an error.
 */

/* The characters that separate the items of a mask. */
#define FEATMASK_MASK_SEPARATORS ",:"

typedef enum FeatmaskMaskBase {
    FEATMASK_BASE_DEFAULT,      /* relative: +a,-b applied to the default */
    FEATMASK_BASE_NONE,
    FEATMASK_BASE_ALL,
} FeatmaskMaskBase;

/**
 * featmask_mask_parse: parse a mask string over @map
 */
FeatmaskMask *featmask_mask_parse(const FeatmaskMap *map, const char *str,
                                  Error **errp);
void featmask_mask_free(FeatmaskMask *mask);

/**
 * featmask_mask_new: a mask from its parts (sets are copied)
 */
FeatmaskMask *featmask_mask_new(FeatmaskMaskBase base, const FeatmaskSet *on,
                                const FeatmaskSet *off);
FeatmaskMaskBase featmask_mask_base(const FeatmaskMask *mask);
const FeatmaskSet *featmask_mask_on(const FeatmaskMask *mask);
const FeatmaskSet *featmask_mask_off(const FeatmaskMask *mask);

/**
 * featmask_mask_apply: the set the mask selects, given the default set
 * @mask: the mask
 * @dflt: what the device has without a mask (used by relative masks)
 */
FeatmaskSet *featmask_mask_apply(const FeatmaskMask *mask,
                                 const FeatmaskSet *dflt);

/**
 * featmask_mask_format: canonical text; parsing it gives an equal mask
 *
 * "all,-a,-b", "none,+a,+b" or "+a,-b", features in map order: every
 * item after the first has a sign.  On QEMU's command line use ':' for
 * ',' (see FEATMASK_MASK_SEPARATORS).
 */
char *featmask_mask_format(const FeatmaskMask *mask);

bool featmask_mask_equal(const FeatmaskMask *a, const FeatmaskMask *b);

/**
 * featmask_mask_from_set: the shortest absolute mask selecting @set
 * ("all,-x" when that is shorter than listing the members)
 */
FeatmaskMask *featmask_mask_from_set(const FeatmaskSet *set);

/*
 * Negotiation
 */

typedef enum FeatmaskDropReason {
    FEATMASK_DROP_MISSING,      /* some hosts do not have it */
    FEATMASK_DROP_DEPENDENCY,   /* it lost something it depends on */
    FEATMASK_DROP_UNMIGRATABLE, /* QEMU cannot migrate it */
} FeatmaskDropReason;

/**
 * FeatmaskDrop: why one feature is not in the common set
 * @feature: index in the map
 * @reason: see #FeatmaskDropReason
 * @hosts: for FEATMASK_DROP_MISSING, indexes of the hosts that lack it
 *         (NULL with FEATMASK_COUNT_MISSING_HOSTS)
 * @nhosts: how many hosts lack it
 * @lost: for FEATMASK_DROP_DEPENDENCY, the unmet dependencies as text
 */
typedef struct FeatmaskDrop {
    size_t feature;
    FeatmaskDropReason reason;
    size_t *hosts;
    size_t nhosts;
    char *lost;
} FeatmaskDrop;

typedef enum FeatmaskNegotiateFlags {
    /* Keep features QEMU cannot migrate (default: drop them). */
    FEATMASK_KEEP_UNMIGRATABLE = 1 << 0,
    /*
     * Only count the hosts that lack a feature (FeatmaskDrop.hosts stays
     * NULL): on a large pool, when nobody will name them.
     */
    FEATMASK_COUNT_MISSING_HOSTS = 1 << 1,
} FeatmaskNegotiateFlags;

/**
 * featmask_negotiate: the common set of N hosts
 * @map: the map every set is over
 * @hosts: what each host can provide
 * @nhosts: number of hosts, at least 1
 * @flags: #FeatmaskNegotiateFlags
 * @errp: error object
 *
 * The common set is the intersection of @hosts, without unmigratable
 * features, closed under dependencies.  Fails if @nhosts is 0, a set is
 * over another map, or the common set is empty while some host had
 * features.
 */
FeatmaskBaseline *featmask_negotiate(const FeatmaskMap *map,
                                     const FeatmaskSet *const *hosts,
                                     size_t nhosts, unsigned flags,
                                     Error **errp);

/**
 * FeatmaskMissingHosts: the hosts that lack @feature, in increasing order
 * @hosts: where to write their indexes, or NULL to only count them
 *
 * Returns how many hosts lack it.
 */
typedef size_t FeatmaskMissingHosts(void *opaque, size_t feature,
                                    size_t *hosts);

/**
 * featmask_negotiate_folded: featmask_negotiate() from sets already folded
 * @common: the intersection of the hosts' sets
 * @any: their union
 * @nhosts: how many hosts were folded
 * @missing: says which hosts lack a feature of @any (called with @opaque)
 *
 * For pools read as a stream, whose hosts' sets are not kept: the result
 * has no per-host sets (featmask_baseline_turn_off() must not be called).
 */
FeatmaskBaseline *featmask_negotiate_folded(const FeatmaskMap *map,
                                            const FeatmaskSet *common,
                                            const FeatmaskSet *any,
                                            size_t nhosts,
                                            FeatmaskMissingHosts *missing,
                                            void *opaque, unsigned flags,
                                            Error **errp);
void featmask_baseline_free(FeatmaskBaseline *b);

const FeatmaskSet *featmask_baseline_common(const FeatmaskBaseline *b);
/* What host @i must turn off: its set minus the common set. */
const FeatmaskSet *featmask_baseline_turn_off(const FeatmaskBaseline *b,
                                              size_t i);
size_t featmask_baseline_ndrops(const FeatmaskBaseline *b);
/* Drops in map order. */
const FeatmaskDrop *featmask_baseline_drop(const FeatmaskBaseline *b,
                                           size_t i);

/**
 * featmask_check: can something that uses @required run where @available
 * is offered?
 * @missing: if not NULL, receives a new set of the missing features
 *
 * Returns true if @required is a subset of @available.  Otherwise sets
 * @errp to an error naming the missing features.  Sets over different
 * maps cannot be compared: that is an error too, with *@missing NULL.
 */
bool featmask_check(const FeatmaskSet *required, const FeatmaskSet *available,
                    FeatmaskSet **missing, Error **errp);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskMap, featmask_map_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskSet, featmask_set_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskMask, featmask_mask_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FeatmaskBaseline, featmask_baseline_free)

#endif
