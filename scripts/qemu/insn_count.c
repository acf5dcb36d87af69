/*
 * A QEMU TCG plugin that counts every guest instruction executed, in every thread, and prints
 * the total when the program exits:
 *
 *     qemu-aarch64 -plugin ./insn_count.so -d plugin -D count.log ./program
 *     -> count.log: "insn_count: instructions 123456"
 *
 * Counting is per translation block: when a block is translated, its instruction count is
 * attached to it, and each execution adds that count to one atomic total. A block runs to its
 * end unless the guest faults inside it, which the probes this counts never do; x86 string
 * instructions with a `rep` prefix run one iteration per block execution, so each iteration
 * counts as one instruction, as callgrind counts them.
 *
 * The declarations below are the few parts of QEMU's plugin API (version 1, as QEMU 7.2 ships
 * it) this plugin uses. Debian ships no qemu-plugin.h, and declaring them here keeps the build a
 * single gcc command. They follow include/qemu/qemu-plugin.h in QEMU's source.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
struct qemu_info_t; /* read by nothing here */
struct qemu_plugin_tb;

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
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

/* QEMU 7.2 loads plugins built for API version 1 and refuses later ones. */
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

/* Guest threads run on separate host threads: the total is shared and updated atomically. */
static uint64_t executed;

static void on_tb_exec(unsigned int vcpu_index, void *insns) {
    (void)vcpu_index;
    __atomic_fetch_add(&executed, (uint64_t)(uintptr_t)insns, __ATOMIC_RELAXED);
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    uintptr_t insns = qemu_plugin_tb_n_insns(tb);
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec, QEMU_PLUGIN_CB_NO_REGS, (void *)insns);
}

static void on_program_exit(qemu_plugin_id_t id, void *userdata) {
    (void)id;
    (void)userdata;
    char line[64];
    snprintf(line, sizeof line, "insn_count: instructions %" PRIu64 "\n",
             __atomic_load_n(&executed, __ATOMIC_RELAXED));
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
