using ECommerce.AppHost.Hosting;

namespace ECommerce.AppHost.Orchestration;

/// <summary>What replicas need to know about the run they are part of.</summary>
/// <param name="DashboardUrl">Where the dashboard listens, which is also where services send OTLP.</param>
internal sealed record RunContext(AppHostOptions Options, RepositoryLayout Repository, string DashboardUrl);
