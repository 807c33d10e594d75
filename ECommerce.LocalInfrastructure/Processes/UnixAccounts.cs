using System.Runtime.InteropServices;

namespace ECommerce.LocalInfrastructure.Processes;

/// <summary>Just enough of the Unix account model to hand a data directory to a service user.</summary>
internal static class UnixAccounts
{
    public static bool IsRoot => geteuid() == 0;

    public static void GiveOwnership(string path, string user)
    {
        var (uid, gid) = Lookup(user);
        if (chown(path, uid, gid) != 0)
        {
            throw new InfrastructureException("File ownership", $"chown {path} to {user} failed (errno {Marshal.GetLastPInvokeError()}).",
                "check that the directory exists and that the current user may change its owner.");
        }
    }

    /// <summary>Makes a file or directory readable and writable by its owner only (passwords, data directories).</summary>
    public static void RestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (Directory.Exists(path))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }
        else
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static (int Uid, int Gid) Lookup(string user)
    {
        var fields = File.ReadLines("/etc/passwd")
            .Select(line => line.Split(':'))
            .FirstOrDefault(fields => fields[0] == user)
            ?? throw new InfrastructureException("Unix accounts", $"user '{user}' does not exist.", "run eng/setup.sh, which installs the packages that create it.");
        return (int.Parse(fields[2]), int.Parse(fields[3]));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern uint geteuid();

    [DllImport("libc", SetLastError = true)]
    private static extern int chown(string path, int owner, int group);
}
