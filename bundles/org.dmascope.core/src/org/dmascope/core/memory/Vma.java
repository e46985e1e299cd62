package org.dmascope.core.memory;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A virtual memory area, as {@code /proc/PID/maps} lists it and smaps describes it: a range of
 * addresses with one set of permissions and flags, backed by anonymous memory or by a file at an
 * offset.
 *
 * @param start   the first address (page aligned)
 * @param end     the address after the last (page aligned)
 * @param flags   the VM_* flags (READ, WRITE, EXEC, SHARED at least; more when smaps is read)
 * @param offset  the file offset of {@code start}, in bytes (0 for anonymous memory)
 * @param device  the backing file's device, "major:minor" as maps prints it ("00:00" for none)
 * @param inode   the backing file's inode, 0 for none
 * @param name    the path or the special name ([heap], [stack], [vdso], [anon:NAME]), "" for
 *                plain anonymous memory
 * @param pageSize the kernel page size of the VMA (smaps KernelPageSize: 4 KiB, or the hugetlb
 *                page size), 0 when unknown
 */
public record Vma(long start, long end, Set<VmFlag> flags, long offset, String device, long inode, String name,
        long pageSize) implements Comparable<Vma> {

    /** Checks the range and copies the flags. */
    public Vma {
        if (Long.compareUnsigned(start, end) >= 0 || (start & 0xfff) != 0 || (end & 0xfff) != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "not a VMA range: %x-%x", start, end));
        }
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    /** Its length in bytes. */
    public long length() {
        return end - start;
    }

    /** Whether the address lies in it. */
    public boolean contains(long address) {
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    }

    /** Whether a flag is set. */
    public boolean has(VmFlag flag) {
        return flags.contains(flag);
    }

    /** Whether nothing backs it but anonymous memory (no file, or a special anonymous name). */
    public boolean isAnonymous() {
        return inode == 0 && !name.startsWith("/");
    }

    /** Whether it is a special mapping the kernel made ([vdso], [vvar], [vsyscall]). */
    public boolean isSpecial() {
        return name.equals("[vdso]") || name.equals("[vvar]") || name.equals("[vsyscall]") || name.equals("[vvar_vclock]");
    }

    /** Whether no access at all is allowed (PROT_NONE). */
    public boolean isProtNone() {
        return !has(VmFlag.READ) && !has(VmFlag.WRITE) && !has(VmFlag.EXEC);
    }

    /** The permissions as maps prints them: "rw-p". */
    public String permissions() {
        return (has(VmFlag.READ) ? "r" : "-") + (has(VmFlag.WRITE) ? "w" : "-") + (has(VmFlag.EXEC) ? "x" : "-")
                + (has(VmFlag.SHARED) ? "s" : "p");
    }

    /** The line maps prints for it (without the padding before the name). */
    public String mapsLine() {
        return String.format(Locale.ROOT, "%x-%x %s %08x %s %d%s", start, end, permissions(), offset, device, inode,
                name.isEmpty() ? "" : " " + name);
    }

    @Override
    public int compareTo(Vma o) {
        return Long.compareUnsigned(start, o.start);
    }

    /** A copy with other flags (smaps adds what maps does not say). */
    public Vma withFlags(Set<VmFlag> value) {
        return new Vma(start, end, value, offset, device, inode, name, pageSize);
    }

    /** A copy with the kernel page size smaps gives. */
    public Vma withPageSize(long value) {
        return new Vma(start, end, flags, offset, device, inode, name, value);
    }

    /** An anonymous private VMA with these permissions ("rw-p" style), for tests and scenarios. */
    public static Vma anonymous(long start, long end, String permissions) {
        return new Vma(start, end, parsePermissions(permissions), 0, "00:00", 0, "", 4096);
    }

    /**
     * The flags that maps' permission column gives: r, w, x and s (shared) or p (private).
     *
     * @throws IllegalArgumentException when the text is not four such characters
     */
    public static Set<VmFlag> parsePermissions(String perms) {
        if (perms.length() != 4 || "r-".indexOf(perms.charAt(0)) < 0 || "w-".indexOf(perms.charAt(1)) < 0
                || "x-".indexOf(perms.charAt(2)) < 0 || "sp".indexOf(perms.charAt(3)) < 0) {
            throw new IllegalArgumentException("not a permissions field (expected like rw-p): " + perms);
        }
        EnumSet<VmFlag> f = EnumSet.noneOf(VmFlag.class);
        if (perms.charAt(0) == 'r') {
            f.add(VmFlag.READ);
        }
        if (perms.charAt(1) == 'w') {
            f.add(VmFlag.WRITE);
        }
        if (perms.charAt(2) == 'x') {
            f.add(VmFlag.EXEC);
        }
        if (perms.charAt(3) == 's') {
            f.add(VmFlag.SHARED);
        }
        return f;
    }

    /** The name, or "anonymous". */
    public String describe() {
        return name.isEmpty() ? "anonymous" : name;
    }
}
