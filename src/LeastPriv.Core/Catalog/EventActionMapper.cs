namespace LeastPriv.Core.Catalog;

// CONTRACT (to be implemented in this folder): (eventSource, eventName) -> IAM actions.

public enum EventMappingKind
{
    /// <summary>The call needs the listed actions.</summary>
    Actions,

    /// <summary>The call needs no permission (sts:GetCallerIdentity, ...).</summary>
    NoPermissionRequired,

    /// <summary>An internal event name that is not an IAM action (reported, not granted).</summary>
    NotAnAction,

    /// <summary>No rule and no catalog entry: reported by name, never invented.</summary>
    Unmapped,
}

public sealed class EventMapping
{
    public EventMapping(EventMappingKind kind, IReadOnlyList<string> actions, string? note = null)
    {
        Kind = kind;
        Actions = actions;
        Note = note;
    }

    public EventMappingKind Kind { get; }

    /// <summary>IAM actions in "prefix:Name" form with catalog casing; empty unless Kind is Actions.</summary>
    public IReadOnlyList<string> Actions { get; }

    public string? Note { get; }
}

public sealed class EventActionMapper
{
    public EventActionMapper(IamCatalog catalog) => throw new NotImplementedException();

    public static EventActionMapper Default => throw new NotImplementedException();

    public IamCatalog Catalog => throw new NotImplementedException();

    /// <summary>IAM service prefix for an eventSource host ("monitoring.amazonaws.com" -> "cloudwatch"), or null.</summary>
    public string? ServicePrefixFor(string eventSource) => throw new NotImplementedException();

    /// <summary>Thread-safe and cached: called once per record on hot paths.</summary>
    public EventMapping Map(string eventSource, string eventName) => throw new NotImplementedException();
}
