using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace MeshMind.Infrastructure;

/// <summary>
/// Owner-only files and directories: 0600 and 0700 on Linux and macOS, an ACL for the current account alone on Windows;
/// files that hold secrets written whole or not at all.
/// </summary>
internal static class SecureFile
{
    /// <summary>0600: read and write for the owner, nothing for anyone else.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>0700: the owner may list, create and enter; nobody else may.</summary>
    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Atomically writes <paramref name="content"/> to <paramref name="path"/> with mode 0600.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Creates a directory readable only by its owner (on Unix), if it does not exist yet.</summary>
    public static void CreateOwnerOnlyDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyDirectory);
        }
    }

    /// <summary>Options to create a new file (never an existing one) that only its owner can read, on every system.</summary>
    public static FileStreamOptions CreateNewOptions(FileAccess access, int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = access, Share = FileShare.None, BufferSize = bufferSize, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = OwnerOnly;
        }

        return create;
    }

    /// <summary>Creates an empty owner-only file unless <paramref name="path"/> exists (so a program that creates it with its own mode, such as SQLite, keeps ours).</summary>
    public static void CreateIfMissing(string path)
    {
        try
        {
            using var created = new FileStream(path, CreateNewOptions(FileAccess.Write));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Already there: its mode is set by RestrictToOwner at start.
        }
    }

    /// <summary>
    /// Makes <paramref name="directory"/> and everything in it its owner's alone, whatever an older version, a copy or a
    /// restore (umask 022) left: on Unix directories become 0700 and files 0600 (symbolic links are neither followed nor
    /// changed); on Windows the directory's ACL grants the current account full control, inherited by everything inside,
    /// and nothing to anyone else.
    /// </summary>
    public static void RestrictToOwner(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            RestrictAclToCurrentUser(directory);
            return;
        }

        var root = new DirectoryInfo(directory);
        if (root.UnixFileMode != OwnerOnlyDirectory)
        {
            root.UnixFileMode = OwnerOnlyDirectory;
        }

        var everything = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
        foreach (var entry in root.EnumerateFileSystemInfos("*", everything))
        {
            var wanted = entry is DirectoryInfo ? OwnerOnlyDirectory : OwnerOnly;
            if (entry.UnixFileMode != wanted)
            {
                entry.UnixFileMode = wanted;
            }
        }
    }

    /// <remarks>
    /// Inheritance from the parent is cut (a protected DACL) and the one rule inherits to every file and folder below;
    /// Windows writes the new inherited rule into the existing children. A child with rules of its own (put there by hand)
    /// keeps them.
    /// </remarks>
    [SupportedOSPlatform("windows")]
    private static void RestrictAclToCurrentUser(string directory)
    {
        using var identity = WindowsIdentity.GetCurrent();
        var account = identity.User ?? throw new UnauthorizedAccessException("the current Windows account has no security identifier to restrict the data directory to");
        var security = new DirectorySecurity();
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        security.AddAccessRule(new FileSystemAccessRule(account, FileSystemRights.FullControl,
            InheritanceFlags.ContainerInherit | InheritanceFlags.ObjectInherit, PropagationFlags.None, AccessControlType.Allow));
        new DirectoryInfo(directory).SetAccessControl(security);
    }
}
