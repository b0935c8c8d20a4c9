namespace LeastPriv.Core;

/// <summary>
/// The category of a failure, named exactly like System.Management.Automation.ErrorCategory so
/// the module maps it by name (the engine has no PowerShell reference).
/// </summary>
public enum LPErrorCategory
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    InvalidOperation,
    InvalidResult,
    ObjectNotFound,
    PermissionDenied,
    ResourceExists,
    ResourceUnavailable,
    ResourceBusy,
    LimitsExceeded,
    OperationTimeout,
    ConnectionError,
    AuthenticationError,
    SecurityError,
    ReadError,
    WriteError,
    OperationStopped,
    NotImplemented,
    ParserError,
}

/// <summary>
/// Every error the engine raises on purpose: a PascalCase <see cref="ErrorId"/>
/// (<c>&lt;Noun&gt;&lt;Condition&gt;</c>), a category and the object it is about.
/// </summary>
public class LeastPrivException : Exception
{
    public LeastPrivException(string errorId, LPErrorCategory category, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
    }

    public string ErrorId { get; }

    public LPErrorCategory Category { get; }

    public object? Target { get; }

    /// <summary>What the user can do about it, shown as the error's recommended action.</summary>
    public string? RecommendedAction { get; init; }
}
