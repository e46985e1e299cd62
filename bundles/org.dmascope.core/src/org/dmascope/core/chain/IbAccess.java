package org.dmascope.core.chain;

import java.util.ArrayList;
import java.util.List;

/** The access flags of an RDMA memory region (include/uapi/rdma/ib_user_ioctl_verbs.h). */
public final class IbAccess {

    /** IB_ACCESS_LOCAL_WRITE. */
    public static final int LOCAL_WRITE = 1;
    /** IB_ACCESS_REMOTE_WRITE. */
    public static final int REMOTE_WRITE = 1 << 1;
    /** IB_ACCESS_REMOTE_READ. */
    public static final int REMOTE_READ = 1 << 2;
    /** IB_ACCESS_REMOTE_ATOMIC. */
    public static final int REMOTE_ATOMIC = 1 << 3;
    /** IB_ACCESS_MW_BIND. */
    public static final int MW_BIND = 1 << 4;
    /** IB_ACCESS_ON_DEMAND (ODP): not pinned; ib_umem_get refuses it. */
    public static final int ON_DEMAND = 1 << 6;
    /** IB_ACCESS_RELAXED_ORDERING: mapped with DMA_ATTR_WEAK_ORDERING. */
    public static final int RELAXED_ORDERING = 1 << 20;

    private static final String[] NAMES = {"LOCAL_WRITE", "REMOTE_WRITE", "REMOTE_READ", "REMOTE_ATOMIC", "MW_BIND"};

    private IbAccess() {
    }

    /** {@code ib_access_writable()}: whether the device may write, so pages are pinned with FOLL_WRITE. */
    public static boolean writable(int access) {
        return (access & (LOCAL_WRITE | REMOTE_WRITE | REMOTE_ATOMIC | MW_BIND)) != 0;
    }

    /** "LOCAL_WRITE|REMOTE_READ". */
    public static String describe(int access) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if ((access & 1 << i) != 0) {
                out.add(NAMES[i]);
            }
        }
        if ((access & ON_DEMAND) != 0) {
            out.add("ON_DEMAND");
        }
        if ((access & RELAXED_ORDERING) != 0) {
            out.add("RELAXED_ORDERING");
        }
        return out.isEmpty() ? "none" : String.join("|", out);
    }
}
