using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ECommerce.EventBus.Kafka;

/// <summary>Asks the cluster for its brokers, as Aspire's Kafka integration does, over one long-lived admin connection.</summary>
internal sealed class KafkaHealthCheck(KafkaClientSettings settings) : IHealthCheck, IDisposable
{
    private readonly Lazy<IAdminClient> _admin = new(() =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = settings.ConnectionString, SocketTimeoutMs = KafkaClients.SocketTimeoutMs }).Build());

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        // librdkafka's metadata call blocks; keep it off the caller's thread.
        Task.Run(() =>
        {
            try
            {
                var brokers = _admin.Value.GetMetadata(settings.HealthCheckTimeout).Brokers.Count;
                return brokers > 0
                    ? HealthCheckResult.Healthy($"{brokers} broker(s)")
                    : new HealthCheckResult(context.Registration.FailureStatus, "The cluster answered with no broker.");
            }
            catch (KafkaException e)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "Kafka is unreachable", e);
            }
        }, cancellationToken);

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
