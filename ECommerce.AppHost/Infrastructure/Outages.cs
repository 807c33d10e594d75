using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.AppHost.Infrastructure;

/// <summary>
/// Outages on demand, for trying how the shop degrades and recovers (the chaos run of the load generator uses them, and a
/// developer can from the dashboard): a server the AppHost runs gets a "Stop (outage)" and a "Start again" command. The
/// server's data stays; the services are not told, they find out as they would in production.
/// </summary>
internal static class Outages
{
    public const string StopCommand = "outage-stop";
    public const string StartCommand = "outage-start";

    private static readonly ResourceStateSnapshot Down = new("Down (outage)", KnownResourceStateStyles.Error);

    /// <param name="stop">Stops the server; null when the AppHost does not run it (a configured external server).</param>
    /// <param name="start">Starts it again and returns once it serves.</param>
    public static IResourceBuilder<T> WithOutageCommands<T>(this IResourceBuilder<T> builder, Func<T, Task?> stop, Func<T, CancellationToken, Task?> start)
        where T : IResource
    {
        builder.WithCommand(StopCommand, "Stop (outage)", async context =>
        {
            if (stop(builder.Resource) is not { } stopping)
            {
                return CommandResults.Failure($"{builder.Resource.Name} is not run by this AppHost.");
            }
            await stopping;
            await Notifications(context).PublishUpdateAsync(builder.Resource, state => state with { State = Down });
            return CommandResults.Success();
        }, new CommandOptions
        {
            Description = "Stops the server as an outage would (its data stays) until \"Start again\".",
            IconName = "PlugDisconnected",
            ConfirmationMessage = $"Stop {builder.Resource.Name}? Every service using it will fail until it is started again.",
        });
        builder.WithCommand(StartCommand, "Start again", async context =>
        {
            if (start(builder.Resource, context.CancellationToken) is not { } starting)
            {
                return CommandResults.Failure($"{builder.Resource.Name} is not run by this AppHost.");
            }
            await starting;
            await Notifications(context).PublishUpdateAsync(builder.Resource, state => state with { State = KnownResourceStates.Running });
            return CommandResults.Success();
        }, new CommandOptions
        {
            Description = "Ends an outage started with \"Stop (outage)\".",
            IconName = "PlugConnected",
        });
        return builder;
    }

    private static ResourceNotificationService Notifications(ExecuteCommandContext context) =>
        context.Services.GetRequiredService<ResourceNotificationService>();
}
