namespace ECommerce.LocalInfrastructure;

/// <summary>
/// A piece of local infrastructure could not be started or used. The message always names the
/// resource, the cause, what to do about it and, when there is one, the log file to read.
/// </summary>
public sealed class InfrastructureException(string resource, string cause, string fix, string? logFile = null, Exception? inner = null)
    : Exception(Describe(resource, cause, fix, logFile), inner)
{
    public string Resource { get; } = resource;
    public string Cause { get; } = cause;
    public string Fix { get; } = fix;
    public string? LogFile { get; } = logFile;

    private static string Describe(string resource, string cause, string fix, string? logFile) =>
        $"{resource}: {cause} Fix: {fix}" + (logFile is null ? "" : $" Log: {logFile}");
}
