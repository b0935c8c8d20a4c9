using LeastPriv.Core.Discovery;
using LeastPriv.Core.Discovery.Capture;
using Xunit;

namespace LeastPriv.Core.Tests.Discovery.Capture;

public sealed class CaptureWindowRecorderTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-24T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Open_SavesAnOpenWindowBeforeTheWorkload_StartWidenedByTheMargin()
    {
        using var temp = new TempStore();
        var manifest = NewSession(temp, "lp-open");

        new CaptureWindowRecorder(temp.Store).Open(manifest, "deploy", "arn:aws:iam::123456789012:user/app", T0);

        var stored = Assert.Single(temp.Store.Load("lp-open").Windows);
        Assert.Equal("deploy", stored.Label);
        Assert.Equal(T0 - CaptureWindowRecorder.ClockSkewMargin, stored.Start);
        Assert.Null(stored.End);
        Assert.Null(stored.Succeeded);
    }

    [Fact]
    public void OpenAndComplete_GivenMargin_WidenBothSidesByIt()
    {
        using var temp = new TempStore();
        var manifest = NewSession(temp, "lp-margin");
        var recorder = new CaptureWindowRecorder(temp.Store, TimeSpan.FromSeconds(3));

        var window = recorder.Complete(manifest, recorder.Open(manifest, "soak", "arn:p", T0), T0.AddSeconds(10), 0, null);

        Assert.Equal(T0.AddSeconds(-3), window.StartTime);
        Assert.Equal(T0.AddSeconds(13), window.EndTime);
        var stored = Assert.Single(temp.Store.Load("lp-margin").Windows);
        Assert.Equal(T0.AddSeconds(13), stored.End);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void Constructor_MarginOutOfRange_InvalidClockSkewMargin(double seconds)
    {
        using var temp = new TempStore();

        var ex = Assert.Throws<LeastPrivException>(() => new CaptureWindowRecorder(temp.Store, TimeSpan.FromSeconds(seconds)));

        Assert.Equal("InvalidClockSkewMargin", ex.ErrorId);
    }

    [Fact]
    public void Complete_EndWidened_OutcomeRecorded_AndWindowsAccumulate()
    {
        using var temp = new TempStore();
        var manifest = NewSession(temp, "lp-acc");
        var recorder = new CaptureWindowRecorder(temp.Store);

        var deploy = recorder.Open(manifest, "deploy", "arn:p", T0);
        var first = recorder.Complete(manifest, deploy, T0.AddMinutes(3), 0, null);
        var teardown = recorder.Open(manifest, "teardown", "arn:p", T0.AddMinutes(10));
        var second = recorder.Complete(manifest, teardown, T0.AddMinutes(11), 2, "Exit code 2: boom");

        Assert.Equal(T0.AddMinutes(-1), first.StartTime);
        Assert.Equal(T0.AddMinutes(4), first.EndTime);
        Assert.True(first.Succeeded);
        Assert.Equal(0, first.ExitCode);
        Assert.False(second.Succeeded);
        Assert.Equal("Exit code 2: boom", second.Error);
        Assert.Equal("lp-acc", second.SessionId);
        var windows = temp.Store.Load("lp-acc").Windows;
        Assert.Equal(["deploy", "teardown"], windows.Select(w => w.Label));
        Assert.Equal([true, false], windows.Select(w => w.Succeeded));
        Assert.Equal(T0.AddMinutes(12), windows[1].End);
    }

    [Fact]
    public void Complete_NonZeroExitWithoutError_IsNotSucceeded()
    {
        using var temp = new TempStore();
        var manifest = NewSession(temp, "lp-exit");
        var recorder = new CaptureWindowRecorder(temp.Store);

        var window = recorder.Complete(manifest, recorder.Open(manifest, null, "arn:p", T0), T0, 1, null);

        Assert.False(window.Succeeded);
    }

    [Fact]
    public void Complete_KeepsWhatAnotherCommandWroteMeanwhile()
    {
        using var temp = new TempStore();
        var manifest = NewSession(temp, "lp-merge");
        var recorder = new CaptureWindowRecorder(temp.Store);
        var window = recorder.Open(manifest, "deploy", "arn:p", T0);
        var other = temp.Store.Load("lp-merge");
        other.Jobs.Add(new ManifestJob { JobId = "job-1", StartedAt = T0 });
        temp.Store.Save(other);

        recorder.Complete(manifest, window, T0.AddMinutes(1), null, null);

        var stored = temp.Store.Load("lp-merge");
        Assert.Equal("job-1", Assert.Single(stored.Jobs).JobId);
        Assert.NotNull(Assert.Single(stored.Windows).End);
    }

    [Fact]
    public void LoadActive_RemovedOrUnknownSession_TypedErrors()
    {
        using var temp = new TempStore();
        var manifest = NewSession(temp, "lp-gone");
        manifest.State = DiscoverySessionState.Removed;
        temp.Store.Save(manifest);
        var recorder = new CaptureWindowRecorder(temp.Store);

        Assert.Equal("SessionRemoved", Assert.Throws<LeastPrivException>(() => recorder.LoadActive("lp-gone")).ErrorId);
        Assert.Equal("SessionNotFound", Assert.Throws<LeastPrivException>(() => recorder.LoadActive("lp-none")).ErrorId);
    }

    private static SessionManifest NewSession(TempStore temp, string id)
    {
        var manifest = new SessionManifest { SessionId = id, State = DiscoverySessionState.Active, CreatedAt = T0 };
        temp.Store.Save(manifest);
        return manifest;
    }
}
