using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Files;

internal sealed class FileOptionsValidator : IValidateOptions<FileOptions>
{
    private const long Petabyte = 1L << 50;

    public ValidateOptionsResult Validate(string? name, FileOptions options)
    {
        var errors = new ValidationErrors();
        if (options.MaxUploadBytes is < 1 or > Petabyte)
        {
            errors.Add("Files:MaxUploadBytes", $"must be between 1 and {Petabyte} bytes");
        }

        if (options.ReplicaQuotaBytes is < 0 or > Petabyte)
        {
            errors.Add("Files:ReplicaQuotaBytes", $"must be between 0 (hold no replicas) and {Petabyte} bytes");
        }

        return errors.Result();
    }
}
