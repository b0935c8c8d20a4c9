using System.Text.Json;

namespace LeastPriv.Emulator;

/// <summary>A resource LookupEvents reports for an event (ResourceType, ResourceName).</summary>
public sealed record EventResource(string Type, string Name);

/// <summary>One CloudTrail record the layer produced, with the fields delivery and LookupEvents filter on.</summary>
public sealed class RecordedEvent
{
    private JsonElement? _record;

    public required string EventId { get; init; }

    public required DateTimeOffset EventTime { get; init; }

    public required string EventSource { get; init; }

    public required string EventName { get; init; }

    public required string AwsRegion { get; init; }

    public required bool ReadOnly { get; init; }

    public required bool ManagementEvent { get; init; }

    public string? AccessKeyId { get; init; }

    /// <summary>LookupEvents' Username: the IAM user name, or the session name of a role session.</summary>
    public string? Username { get; init; }

    public string? ErrorCode { get; init; }

    public IReadOnlyList<EventResource> Resources { get; init; } = [];

    /// <summary>The whole record, serialized exactly as delivered.</summary>
    public required string Json { get; init; }

    /// <summary>The record parsed, for assertions.</summary>
    public JsonElement Record => _record ??= JsonDocument.Parse(Json).RootElement.Clone();

    public override string ToString() => $"{EventTime:O} {EventSource} {EventName} {ErrorCode}";
}
