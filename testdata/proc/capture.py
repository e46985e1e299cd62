#!/usr/bin/python3
"""Captures the /proc files DMA Scope's /proc reader is tested on (see testdata/README.md).

Run as root from testdata/proc:  /usr/bin/python3 capture.py
Makes mappings with odd names (a path with spaces, a deleted file, a memfd), a THP region,
hugetlb pages of 2 MiB and 1 GiB (nr_hugepages raised for the capture, restored after), an
mlocked region and a PROT_NONE region, then copies this process's maps, smaps, status, limits,
comm and stat, its pagemap and the kpageflags of its PFNs (run-length encoded, see below), and
/proc/iomem. Then the same for an unprivileged process (uid nobody): its own pagemap, with the
PFNs the kernel hides from it.

pagemap.txt lines:   VADDR ENTRY COUNT   COUNT pages from VADDR; page i has ENTRY + i (hex)
kpageflags.txt lines: PFN FLAGS COUNT     COUNT frames from PFN with the same FLAGS (hex)
Pages and frames not listed read as 0.
"""
import ctypes
import mmap
import os
import shutil
import struct
import subprocess
import sys

PAGE = 4096
MAP_HUGETLB = 0x40000
MAP_HUGE_1GB = 30 << 26
libc = ctypes.CDLL(None, use_errno=True)


def address(m):
    return ctypes.addressof(ctypes.c_char.from_buffer(m))


def touch(m, start=0, end=None):
    end = len(m) if end is None else end
    for off in range(start, end, PAGE):
        m[off] = 1


def set_hugepages(path, n):
    try:
        with open(path) as f:
            old = int(f.read())
        with open(path, "w") as f:
            f.write(str(n))
        return old
    except OSError:
        return None


def rle_pagemap(pid, out):
    """Every non-zero pagemap entry of the process's VMAs, run-length encoded."""
    lines = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/pagemap", "rb") as pm:
        for line in maps:
            lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
            if lo >= 1 << 47:
                continue  # [vsyscall]: pagemap ends at the top of the user address space
            pm.seek(lo // PAGE * 8)
            data = pm.read((hi - lo) // PAGE * 8)
            entries = struct.unpack(f"<{len(data) // 8}Q", data)
            i = 0
            while i < len(entries):
                if entries[i] == 0:
                    i += 1
                    continue
                j = i + 1
                while j < len(entries) and entries[j] == entries[i] + (j - i) and entries[i] >> 55 == entries[j] >> 55:
                    j += 1
                lines.append((lo + i * PAGE, entries[i], j - i))
                i = j
    with open(out, "w") as f:
        for va, e, n in lines:
            f.write(f"{va:x} {e:016x} {n}\n")
    return lines


def rle_kpageflags(pagemap_runs, out):
    pfns = set()
    for _, e, n in pagemap_runs:
        if e >> 63 and e & ((1 << 55) - 1):
            first = e & ((1 << 55) - 1)
            pfns.update(range(first, first + n))
    runs = []
    with open("/proc/kpageflags", "rb") as kf:
        for pfn in sorted(pfns):
            kf.seek(pfn * 8)
            flags = struct.unpack("<Q", kf.read(8))[0]
            if runs and runs[-1][0] + runs[-1][2] == pfn and runs[-1][1] == flags:
                runs[-1][2] += 1
            else:
                runs.append([pfn, flags, 1])
    with open(out, "w") as f:
        for pfn, flags, n in runs:
            f.write(f"{pfn:x} {flags:x} {n}\n")


def copy_proc(pid, folder, names):
    os.makedirs(folder, exist_ok=True)
    for name in names:
        with open(f"/proc/{pid}/{name}", "rb") as src, open(os.path.join(folder, name), "wb") as dst:
            dst.write(src.read())


def privileged(folder):
    scratch = "/tmp/dmascope capture"
    os.makedirs(scratch, exist_ok=True)
    keep = []
    # A file whose path has spaces, shared and written.
    spaced = os.path.join(scratch, "file with spaces.bin")
    with open(spaced, "wb") as f:
        f.write(b"\0" * 65536)
    fd = os.open(spaced, os.O_RDWR)
    m = mmap.mmap(fd, 65536, mmap.MAP_SHARED)
    touch(m)
    keep.append(m)
    # A file deleted while mapped.
    gone = os.path.join(scratch, "gone.bin")
    with open(gone, "wb") as f:
        f.write(b"\0" * 16384)
    fd2 = os.open(gone, os.O_RDONLY)
    keep.append(mmap.mmap(fd2, 16384, mmap.MAP_PRIVATE, mmap.PROT_READ))
    os.unlink(gone)
    # A memfd.
    mfd = os.memfd_create("dmascope-memfd")
    os.ftruncate(mfd, 1 << 20)
    m = mmap.mmap(mfd, 1 << 20, mmap.MAP_SHARED)
    touch(m)
    keep.append(m)
    # THP: 8 MiB anonymous, MADV_HUGEPAGE on the 2 MiB-aligned 4 MiB inside, all touched.
    m = mmap.mmap(-1, 8 << 20, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    base = address(m)
    off = (-base) % (2 << 20)
    m.madvise(mmap.MADV_HUGEPAGE, off, 4 << 20)
    touch(m, off, off + (4 << 20))
    keep.append(m)
    # mlocked, 64 KiB.
    m = mmap.mmap(-1, 65536, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    touch(m)
    if libc.mlock(ctypes.c_void_p(address(m)), ctypes.c_size_t(65536)) != 0:
        print("mlock failed", ctypes.get_errno(), file=sys.stderr)
    keep.append(m)
    # PROT_NONE, 64 KiB.
    keep.append(mmap.mmap(-1, 65536, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, 0))
    # Hugetlb: one 2 MiB page and one 1 GiB page, touched.
    old2 = set_hugepages("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", 1)
    old1g = set_hugepages("/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", 1)
    try:
        try:
            m = mmap.mmap(-1, 2 << 20, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | MAP_HUGETLB)
            touch(m)
            keep.append(m)
        except OSError as e:
            print("no 2 MiB hugetlb page:", e, file=sys.stderr)
        try:
            m = mmap.mmap(-1, 1 << 30, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB)
            m[0] = 1
            keep.append(m)
        except OSError as e:
            print("no 1 GiB hugetlb page:", e, file=sys.stderr)
        pid = os.getpid()
        copy_proc(pid, folder, ["maps", "smaps", "status", "limits", "comm", "stat"])
        runs = rle_pagemap(pid, os.path.join(folder, "pagemap.txt"))
        rle_kpageflags(runs, os.path.join(folder, "kpageflags.txt"))
        with open(os.path.join(folder, "pid"), "w") as f:
            f.write(f"{pid}\n")
    finally:
        for m in keep:
            m.close()
        if old2 is not None:
            set_hugepages("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", old2)
        if old1g is not None:
            set_hugepages("/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", old1g)
        shutil.rmtree(scratch, ignore_errors=True)


def unprivileged(folder):
    """Runs as nobody: this process's own files, PFNs hidden."""
    pid = os.getpid()
    m = mmap.mmap(-1, 1 << 20, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    touch(m)
    copy_proc(pid, folder, ["maps", "smaps", "status", "limits", "comm", "stat"])
    rle_pagemap(pid, os.path.join(folder, "pagemap.txt"))
    with open(os.path.join(folder, "pid"), "w") as f:
        f.write(f"{pid}\n")
    with open("/proc/iomem", "rb") as src, open(os.path.join(folder, "iomem"), "wb") as dst:
        dst.write(src.read())


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--unprivileged":
        unprivileged(sys.argv[2])
        sys.exit(0)
    here = os.path.dirname(os.path.abspath(__file__))
    privileged(os.path.join(here, "root"))
    shutil.copyfile("/proc/iomem", os.path.join(here, "root", "iomem"))
    nobody = os.path.join(here, "nobody")
    os.makedirs(nobody, exist_ok=True)
    os.chmod(nobody, 0o777)
    subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                    "/usr/bin/python3", os.path.abspath(__file__), "--unprivileged", nobody], check=True)
    os.chmod(nobody, 0o755)
