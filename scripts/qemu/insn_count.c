/*
 * A QEMU TCG plugin that counts every guest instruction executed, in every thread, and prints
 * the total when the program exits:
 *
 *     qemu-aarch64 -plugin ./insn_count.so -d plugin -D count.log ./program
 *     -> count.log: "insn_count: instructions 123456"
 *
 * Counting is per translation block: each block counts its executions, and at exit the total
 * is the sum of instructions times executions over all blocks. A block runs to its end unless
 * the guest faults inside it, which the probes this counts never do; x86 string instructions
 * with a `rep` prefix run one iteration per block execution, so each iteration counts as one
 * instruction, as callgrind counts them.
 *
 * One correction: an x86 instruction that straddles a page boundary ends the block before it
 * and runs whole in a block of its own, yet QEMU 7.2 still reports a cut-off piece of it as the
 * last instruction of the block before (a 3-byte `cmp` at 0x...fff reported with size 1, a
 * 10-byte `movabs` at 0x...ffd with size 2), so it would be counted twice: once per call too
 * many, 69 against callgrind's 68 instructions in one probe. Such a piece is not counted (see
 * total_executed). aarch64 instructions are
 * aligned and never straddle a page.
 *
 * The declarations below are the few parts of QEMU's plugin API (version 1, as QEMU 7.2 ships
 * it) this plugin uses. Debian ships no qemu-plugin.h, and declaring them here keeps the build a
 * single gcc command. They follow include/qemu/qemu-plugin.h in QEMU's source.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
struct qemu_info_t; /* read by nothing here */
struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags {
    QEMU_PLUGIN_CB_NO_REGS,
    QEMU_PLUGIN_CB_R_REGS,
    QEMU_PLUGIN_CB_RW_REGS,
};

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

/* QEMU 7.2 loads plugins built for API version 1 and refuses later ones. */
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

/* Guest pages are 4 KiB for both guests counted here. */
#define GUEST_PAGE_SIZE 4096u

/*
 * One translated block: its instruction count, how often it ran, and the first and last of its
 * instructions as QEMU reported them. Blocks live in chunks that never move, since the
 * translated code holds a pointer to its block; translation itself is serialised by QEMU.
 */
struct block {
    uint64_t insns;
    uint64_t executions; /* updated atomically: guest threads run on separate host threads */
    uint64_t start;
    uint64_t first_size;
    uint64_t last_vaddr;
    uint64_t last_size;
};

#define BLOCKS_PER_CHUNK 4096
struct chunk {
    struct chunk *next;
    size_t used;
    struct block blocks[BLOCKS_PER_CHUNK];
};
static struct chunk *chunks;
static int out_of_memory;

static void on_tb_exec(unsigned int vcpu_index, void *block) {
    (void)vcpu_index;
    __atomic_fetch_add(&((struct block *)block)->executions, 1, __ATOMIC_RELAXED);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    if (chunks == NULL || chunks->used == BLOCKS_PER_CHUNK) {
        struct chunk *fresh = calloc(1, sizeof *fresh);
        if (fresh == NULL) {
            out_of_memory = 1;
            return;
        }
        fresh->next = chunks;
        chunks = fresh;
    }
    struct block *b = &chunks->blocks[chunks->used++];
    size_t n = qemu_plugin_tb_n_insns(tb);
    const struct qemu_plugin_insn *first = qemu_plugin_tb_get_insn(tb, 0);
    const struct qemu_plugin_insn *last = qemu_plugin_tb_get_insn(tb, n - 1);
    b->insns = n;
    b->start = qemu_plugin_insn_vaddr(first);
    b->first_size = qemu_plugin_insn_size(first);
    b->last_vaddr = qemu_plugin_insn_vaddr(last);
    b->last_size = qemu_plugin_insn_size(last);
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec, QEMU_PLUGIN_CB_NO_REGS, b);
}

/* Block starts and first-instruction sizes, sorted, to find a block by its start. */
struct start {
    uint64_t vaddr;
    uint64_t first_size;
};

static int by_vaddr(const void *a, const void *b) {
    uint64_t x = ((const struct start *)a)->vaddr, y = ((const struct start *)b)->vaddr;
    return (x > y) - (x < y);
}

/*
 * Whether some block starts at `vaddr` with a first instruction longer than `size` that crosses
 * a page boundary: the whole of an instruction another block reported cut short.
 */
static int restarted_whole(const struct start *starts, size_t count, uint64_t vaddr,
                           uint64_t size) {
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (starts[mid].vaddr < vaddr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (; lo < count && starts[lo].vaddr == vaddr; lo++) {
        uint64_t whole = starts[lo].first_size;
        if (whole > size && vaddr / GUEST_PAGE_SIZE != (vaddr + whole - 1) / GUEST_PAGE_SIZE) {
            return 1;
        }
    }
    return 0;
}

/*
 * Instructions executed. A block whose last instruction is reported shorter than the same
 * instruction at the start of another block, where it crosses a page boundary, did not execute
 * it: QEMU stopped decoding it at the boundary and ran it whole in the other block.
 */
static uint64_t total_executed(void) {
    size_t count = 0;
    for (struct chunk *c = chunks; c != NULL; c = c->next) {
        count += c->used;
    }
    struct start *starts = calloc(count ? count : 1, sizeof *starts);
    if (starts == NULL) {
        out_of_memory = 1;
        return 0;
    }
    size_t i = 0;
    for (struct chunk *c = chunks; c != NULL; c = c->next) {
        for (size_t j = 0; j < c->used; j++, i++) {
            starts[i].vaddr = c->blocks[j].start;
            starts[i].first_size = c->blocks[j].first_size;
        }
    }
    qsort(starts, count, sizeof *starts, by_vaddr);
    uint64_t total = 0;
    for (struct chunk *c = chunks; c != NULL; c = c->next) {
        for (size_t j = 0; j < c->used; j++) {
            const struct block *b = &c->blocks[j];
            uint64_t runs = __atomic_load_n(&b->executions, __ATOMIC_RELAXED);
            uint64_t insns = b->insns;
            if (insns > 1 && restarted_whole(starts, count, b->last_vaddr, b->last_size)) {
                insns -= 1;
            }
            total += insns * runs;
        }
    }
    free(starts);
    return total;
}

static void on_program_exit(qemu_plugin_id_t id, void *userdata) {
    (void)id;
    (void)userdata;
    uint64_t total = total_executed();
    if (out_of_memory) {
        qemu_plugin_outs("insn_count: out of memory, no count\n");
        return;
    }
    char line[64];
    snprintf(line, sizeof line, "insn_count: instructions %" PRIu64 "\n", total);
    qemu_plugin_outs(line);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
                                           int argc, char **argv) {
    (void)info;
    (void)argv;
    if (argc != 0) {
        fprintf(stderr, "insn_count: takes no arguments\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
    qemu_plugin_register_atexit_cb(id, on_program_exit, NULL);
    return 0;
}
