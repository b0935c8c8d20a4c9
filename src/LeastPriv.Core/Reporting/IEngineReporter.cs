namespace LeastPriv.Core.Reporting;

/// <summary>
/// How the engine talks back to its caller (a cmdlet, a test, the emulator) without knowing
/// about PowerShell: progress, warnings, verbose/debug lines, non-terminating errors and the
/// ShouldProcess decision before a mutation.
/// </summary>
public interface IEngineReporter
{
    void Progress(ProgressReport report);

    void Warning(string message);

    void Verbose(string message);

    void Debug(string message);

    /// <summary>A non-terminating error: the operation goes on with the next item.</summary>
    void Error(LeastPrivException error);

    /// <summary>Asks whether a mutation may go ahead (-WhatIf / -Confirm).</summary>
    bool ShouldProcess(string target, string action);
}

/// <summary>One progress update. <see cref="PercentComplete"/> is -1 when unknown.</summary>
public sealed class ProgressReport
{
    public ProgressReport(int activityId, string activity, string status, int percentComplete = -1, bool completed = false)
    {
        ActivityId = activityId;
        Activity = activity;
        Status = status;
        PercentComplete = percentComplete;
        Completed = completed;
    }

    public int ActivityId { get; }

    public string Activity { get; }

    public string Status { get; }

    public int PercentComplete { get; }

    public bool Completed { get; }

    public string? CurrentOperation { get; init; }

    public int SecondsRemaining { get; init; } = -1;
}

/// <summary>A reporter that drops everything and approves every mutation (tests, library use).</summary>
public sealed class NullEngineReporter : IEngineReporter
{
    public static readonly NullEngineReporter Instance = new();

    public void Progress(ProgressReport report) { }

    public void Warning(string message) { }

    public void Verbose(string message) { }

    public void Debug(string message) { }

    public void Error(LeastPrivException error) { }

    public bool ShouldProcess(string target, string action) => true;
}
