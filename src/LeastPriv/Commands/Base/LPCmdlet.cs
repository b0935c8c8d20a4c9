using System.Collections.Concurrent;
using System.Management.Automation;
using LeastPriv.Core;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Commands.Base;

/// <summary>
/// Base of every LeastPriv cmdlet. Runs the engine's async work off the pipeline thread and
/// marshals WriteObject / WriteError / WriteProgress / ShouldProcess back onto it (a cmdlet may
/// only call those from its own thread); Ctrl+C (StopProcessing) cancels the token.
/// </summary>
public abstract class LPCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();
    private BlockingCollection<Action>? _pending;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing()
    {
        _stopping.Cancel();
        base.StopProcessing();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool and pumps its output on the pipeline
    /// thread until it finishes. A <see cref="LeastPrivException"/> thrown by the work becomes a
    /// terminating error with its ErrorId and category.
    /// </summary>
    protected void RunAsync(Func<IEngineReporter, CancellationToken, Task> work)
    {
        using var queue = new BlockingCollection<Action>();
        _pending = queue;
        var reporter = new PipelineReporter(this, queue);
        var task = Task.Run(async () =>
        {
            try
            {
                await work(reporter, _stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                queue.CompleteAdding();
            }
        });

        foreach (var action in queue.GetConsumingEnumerable())
        {
            action();
        }

        _pending = null;
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (LeastPrivException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex));
        }
    }

    /// <summary>Writes an object from any thread (queued onto the pipeline thread).</summary>
    protected void Emit(object? value)
    {
        var queue = _pending;
        if (queue is null)
        {
            WriteObject(value);
        }
        else
        {
            queue.Add(() => WriteObject(value));
        }
    }

    /// <summary>
    /// The ShouldProcess decision the engine asks for before a mutation; a cmdlet with -Force
    /// overrides it to skip the confirmation prompt (not -WhatIf).
    /// </summary>
    protected virtual bool ConfirmMutation(string target, string action) => ShouldProcess(target, action);

    /// <summary>A DateTime typed at the prompt is local time unless it says otherwise.</summary>
    protected static DateTimeOffset ToUtc(DateTime value) =>
        new(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Local).ToUniversalTime() : value.ToUniversalTime());

    /// <summary>Maps an engine error onto a PowerShell error record, once, for every cmdlet.</summary>
    public static ErrorRecord ToErrorRecord(LeastPrivException ex)
    {
        var category = Enum.TryParse<ErrorCategory>(ex.Category.ToString(), out var c) ? c : ErrorCategory.NotSpecified;
        var record = new ErrorRecord(ex, ex.ErrorId, category, ex.Target);
        if (ex.RecommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction };
        }

        return record;
    }

    private sealed class PipelineReporter : IEngineReporter
    {
        private readonly LPCmdlet _cmdlet;
        private readonly BlockingCollection<Action> _queue;

        public PipelineReporter(LPCmdlet cmdlet, BlockingCollection<Action> queue)
        {
            _cmdlet = cmdlet;
            _queue = queue;
        }

        public void Progress(ProgressReport report) => _queue.Add(() =>
        {
            var record = new ProgressRecord(report.ActivityId, report.Activity, report.Status)
            {
                PercentComplete = report.PercentComplete,
                SecondsRemaining = report.SecondsRemaining,
                RecordType = report.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            if (report.CurrentOperation is not null)
            {
                record.CurrentOperation = report.CurrentOperation;
            }

            _cmdlet.WriteProgress(record);
        });

        public void Warning(string message) => _queue.Add(() => _cmdlet.WriteWarning(message));

        public void Verbose(string message) => _queue.Add(() => _cmdlet.WriteVerbose(message));

        public void Debug(string message) => _queue.Add(() => _cmdlet.WriteDebug(message));

        public void Error(LeastPrivException error) => _queue.Add(() => _cmdlet.WriteError(ToErrorRecord(error)));

        public bool ShouldProcess(string target, string action)
        {
            // Asked on the pipeline thread (it may prompt); the worker waits for the answer.
            var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Add(() =>
            {
                try
                {
                    answer.SetResult(_cmdlet.ConfirmMutation(target, action));
                }
                catch (Exception ex)
                {
                    answer.SetException(ex);
                }
            });
            return answer.Task.GetAwaiter().GetResult();
        }
    }
}
