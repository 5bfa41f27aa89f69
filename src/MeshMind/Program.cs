using MeshMind.Hosting;

var command = MeshMindCommand.Create(overrides => new NodeLaunch { CommandLine = overrides });
return await command.Parse(args).InvokeAsync();
