package dev.caravan.security;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files and folders that hold secrets (the database, which keeps pool keys and the fingerprint secret; the generated
 * admin token) are created readable by their owner only: 0700 for folders, 0600 for files, whatever the umask.
 * Folders that already exist are left as they are (an operator may have put the database in a shared place), with a
 * warning when others can read them; files Caravan owns are tightened. Where the file system has no POSIX
 * permissions (Windows), the nearest equivalent is applied. Stateless.
 */
public final class OwnerOnly {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    /** Creates {@code folder} and its missing parents, each owner-only; warns when an existing one is open to others. */
    public static void createFolders(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath();
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = absolute; p != null && !Files.exists(p); p = p.getParent()) {
            missing.push(p);
        }
        if (missing.isEmpty()) {
            warnIfOpen(absolute);
            return;
        }
        while (!missing.isEmpty()) {
            Path p = missing.pop();
            try {
                Files.createDirectory(p, attribute(p, FOLDER));
            } catch (FileAlreadyExistsException raced) {
                // another process made it meanwhile: it is then not ours to change
                continue;
            }
            restrict(p, FOLDER);
        }
    }

    /** Creates an empty owner-only {@code file} when it is missing, and makes an existing one owner-only. */
    public static void createFile(Path file) throws IOException {
        try {
            Files.createFile(file, attribute(file, FILE));
        } catch (FileAlreadyExistsException exists) {
            // an older Caravan made it with the umask's permissions: tightened below
        }
        restrict(file, FILE);
    }

    /** Makes {@code file} owner-only when it exists (SQLite's -wal and -shm files next to the database). */
    public static void restrictIfPresent(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            restrict(file, FILE);
        }
    }

    private static FileAttribute<?>[] attribute(Path p, Set<PosixFilePermission> permissions) {
        return posix(p) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
    }

    /** Sets the permissions outright: the umask narrows what creation asked for, and an old file may be wider. */
    private static void restrict(Path p, Set<PosixFilePermission> permissions) throws IOException {
        if (posix(p)) {
            Files.setPosixFilePermissions(p, permissions);
            return;
        }
        File f = p.toFile();
        f.setReadable(false, false);
        f.setReadable(true, true);
        f.setWritable(false, false);
        f.setWritable(true, true);
        if (f.isDirectory()) {
            f.setExecutable(false, false);
            f.setExecutable(true, true);
        }
    }

    private static void warnIfOpen(Path folder) {
        if (!posix(folder)) {
            return;
        }
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(folder);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)
                    || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
                LOG.warn("{} can be read by other users ({}); its database files are made owner-only, but consider "
                        + "chmod 700 on the folder", folder, PosixFilePermissions.toString(p));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // only a warning: never a reason not to start
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
