using ECommerce.AppHost.Hosting;

namespace ECommerce.AppHost.Orchestration;

/// <summary>What replicas need to know about the run they are part of.</summary>
internal sealed record RunContext(AppHostOptions Options, RepositoryLayout Repository);
