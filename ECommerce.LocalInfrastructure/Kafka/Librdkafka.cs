using System.Runtime.InteropServices;

namespace ECommerce.LocalInfrastructure.Kafka;

/// <summary>
/// The one place that decides which native librdkafka this process uses.
/// </summary>
/// <remarks>
/// Confluent.Kafka ships librdkafka in the librdkafka.redist package. Its default Linux build links
/// libsasl2.so.3, which Debian 12 lacks, so Confluent.Kafka falls back to the self-contained
/// "centos8" build beside it, which loads anywhere. The mock cluster's functions are not wrapped by
/// Confluent.Kafka, so <see cref="MockClusterNative"/> P/Invokes them from the very library
/// Confluent.Kafka loaded, found in the process's memory map.
/// </remarks>
public static class Librdkafka
{
    private static readonly Lazy<string> LoadedPath = new(Load);

    /// <summary>Loads librdkafka once; call before creating any Kafka client.</summary>
    public static void EnsureLoaded() => _ = LoadedPath.Value;

    private static string Load()
    {
        Confluent.Kafka.Library.Load();
        var path = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
            .FirstOrDefault(file => file is not null && file.EndsWith("librdkafka.so", StringComparison.Ordinal))
            ?? throw new InfrastructureException("Kafka client", "librdkafka was loaded but could not be found in /proc/self/maps.",
                "check that Confluent.Kafka's runtimes/linux-x64/native folder was copied to the output folder.");
        NativeLibrary.SetDllImportResolver(typeof(Librdkafka).Assembly, (name, _, _) =>
            name == MockClusterNative.Library ? NativeLibrary.Load(path) : IntPtr.Zero);
        return path;
    }
}
