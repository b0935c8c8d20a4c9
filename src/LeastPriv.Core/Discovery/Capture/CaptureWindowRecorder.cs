namespace LeastPriv.Core.Discovery.Capture;

/// <summary>
/// Records capture windows in a session manifest: an open window (End null) is saved before the
/// workload starts, so a crash leaves it on record, and it is completed after the workload ends.
/// </summary>
public sealed class CaptureWindowRecorder
{
    /// <summary>
    /// How far each window is widened on both sides. CloudTrail stamps events with AWS's clock
    /// and the window comes from the local one; a minute covers ordinary clock skew (NTP keeps it
    /// under a second; SigV4 itself refuses requests more than 5 minutes off, so a larger skew
    /// fails the workload rather than escaping the window). Generation and look-ups over the
    /// window then never miss a call made at its edges.
    /// </summary>
    public static readonly TimeSpan ClockSkewMargin = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The largest margin a capture accepts: SigV4 refuses requests signed more than 5 minutes
    /// off, so a wider margin would only add other principals' neighbouring calls to nothing.
    /// </summary>
    public static readonly TimeSpan MaxClockSkewMargin = TimeSpan.FromMinutes(5);

    private readonly SessionStore _store;

    /// <param name="store">Where the session manifests live.</param>
    /// <param name="margin">How far each window is widened on both sides; <see cref="ClockSkewMargin"/> when null.</param>
    public CaptureWindowRecorder(SessionStore store, TimeSpan? margin = null)
    {
        _store = store;
        Margin = margin ?? ClockSkewMargin;
        if (Margin < TimeSpan.Zero || Margin > MaxClockSkewMargin)
        {
            throw new LeastPrivException(
                "InvalidClockSkewMargin",
                LPErrorCategory.InvalidArgument,
                $"The clock-skew margin {Margin.TotalSeconds:0.###} s is outside 0 to {MaxClockSkewMargin.TotalSeconds:0} s.",
                Margin)
            {
                RecommendedAction = "Pass a margin between 0 and 300 seconds; the default of 60 s covers ordinary clock skew.",
            };
        }
    }

    /// <summary>How far this recorder widens each window on both sides.</summary>
    public TimeSpan Margin { get; }

    /// <summary>Loads the session for a capture; <c>SessionNotFound</c> / <c>SessionRemoved</c> when it cannot take one.</summary>
    public SessionManifest LoadActive(string sessionId)
    {
        var manifest = _store.Load(sessionId);
        if (manifest.State == DiscoverySessionState.Removed)
        {
            throw new LeastPrivException(
                "SessionRemoved",
                LPErrorCategory.InvalidOperation,
                $"The discovery session '{sessionId}' was removed at {manifest.RemovedAt:u}; its principal no longer exists.",
                sessionId)
            {
                RecommendedAction = "Create a new discovery principal with New-LPDiscoveryUser or New-LPDiscoveryRole.",
            };
        }

        return manifest;
    }

    /// <summary>Adds an open window (start widened by the margin) and saves the manifest.</summary>
    public ManifestWindow Open(SessionManifest manifest, string? label, string principalArn, DateTimeOffset now)
    {
        var window = new ManifestWindow
        {
            Label = label,
            Start = now.ToUniversalTime() - Margin,
            PrincipalArn = principalArn,
        };
        manifest.Windows.Add(window);
        _store.Save(manifest);
        return window;
    }

    /// <summary>
    /// Completes the window (end widened by the margin) and saves. The manifest is read again
    /// first, so what another command wrote to the session meanwhile is kept.
    /// </summary>
    public LPCaptureWindow Complete(SessionManifest manifest, ManifestWindow window, DateTimeOffset now, int? exitCode, string? error)
    {
        var end = now.ToUniversalTime() + Margin;
        var succeeded = error is null && (exitCode is null || exitCode == 0);
        window.End = end;
        window.ExitCode = exitCode;
        window.Succeeded = succeeded;
        window.Error = error;

        var current = manifest;
        try
        {
            current = _store.Load(manifest.SessionId);
            var stored = current.Windows.LastOrDefault(w => w.End is null && w.Start == window.Start && w.Label == window.Label && w.PrincipalArn == window.PrincipalArn);
            if (stored is null)
            {
                current.Windows.Add(window);
            }
            else
            {
                stored.End = window.End;
                stored.ExitCode = exitCode;
                stored.Succeeded = succeeded;
                stored.Error = error;
            }
        }
        catch (LeastPrivException)
        {
            // Unreadable now: write what this capture knows rather than lose the window.
            current = manifest;
        }

        _store.Save(current);
        return ToOutput(manifest.SessionId, window);
    }

    public static LPCaptureWindow ToOutput(string sessionId, ManifestWindow window) => new()
    {
        SessionId = sessionId,
        Label = window.Label,
        PrincipalArn = window.PrincipalArn ?? string.Empty,
        StartTime = window.Start,
        EndTime = window.End ?? window.Start,
        ExitCode = window.ExitCode,
        Succeeded = window.Succeeded ?? false,
        Error = window.Error,
    };
}
