using Grpc.Core;

namespace ECommerce.Grpc;

/// <summary>
/// Collects everything wrong with a request, so the caller learns of every bad field at once:
/// INVALID_ARGUMENT with a google.rpc.BadRequest, and the same list in the plain message for
/// clients that do not read details.
/// </summary>
public sealed class FieldViolations
{
    private readonly List<(string Field, string Description)> _violations = [];

    public bool IsEmpty => _violations.Count == 0;

    /// <summary>Records a violation of <paramref name="field"/> unless <paramref name="valid"/>.</summary>
    public FieldViolations Check(bool valid, string field, string description)
    {
        if (!valid)
        {
            _violations.Add((field, description));
        }
        return this;
    }

    public FieldViolations Add(string field, string description) => Check(false, field, description);

    /// <summary>An update mask (AIP-134) names at least one field, and only fields that may be changed.</summary>
    public FieldViolations CheckUpdateMask(IReadOnlyCollection<string> paths, IReadOnlyCollection<string> updatable)
    {
        Check(paths.Count > 0, "update_mask", "must name at least one field");
        foreach (var path in paths)
        {
            Check(updatable.Contains(path), "update_mask", $"cannot change \"{path}\"; only {string.Join(", ", updatable)} can be changed");
        }
        return this;
    }

    public void ThrowIfAny()
    {
        if (!IsEmpty)
        {
            throw ToException();
        }
    }

    public RpcException ToException() => GrpcErrors.InvalidArgument(
        "Invalid request: " + string.Join("; ", _violations.Select(violation => $"{violation.Field} {violation.Description}")) + ".",
        [.. _violations]);
}
