//! `leads config path|show|check`.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::{CliError, Exit};
use crate::render::{Report, Style};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Where the config file and the lead store are
    Path,
    /// The configuration in effect: the file's values over the defaults
    Show,
    /// Check the config file; exits 3 with the problem when it is invalid
    Check,
}

pub fn run(ctx: &Ctx, command: Command) -> Result<Exit, CliError> {
    // The config was loaded (and so checked) while building the context; an invalid file never
    // gets this far, and its error names the file, the line and the key.
    match command {
        Command::Path => ctx.out.emit(&Paths {
            config: ctx.config_path.path.display().to_string(),
            config_exists: ctx.config_path.path.exists(),
            data_dir: ctx.data_dir.display().to_string(),
        })?,
        Command::Show => ctx.out.emit(&Shown(&ctx.config))?,
        Command::Check => {
            let what = if ctx.config_path.path.exists() {
                format!("{} is valid.", ctx.config_path)
            } else {
                format!("{} does not exist: using the defaults.", ctx.config_path)
            };
            ctx.out.note(&what);
        }
    }
    Ok(Exit::Ok)
}

#[derive(Serialize)]
struct Paths {
    config: String,
    config_exists: bool,
    data_dir: String,
}

impl Report for Paths {
    fn human(&self, _: &Style) -> String {
        let missing = if self.config_exists {
            ""
        } else {
            "  (not created: defaults apply)"
        };
        format!(
            "config    {}{missing}\ndata dir  {}\n",
            self.config, self.data_dir
        )
    }

    fn plain(&self, _: &Style) -> String {
        format!("config\t{}\ndata_dir\t{}\n", self.config, self.data_dir)
    }
}

#[derive(Serialize)]
#[serde(transparent)]
struct Shown<'a>(&'a crate::config::Config);

impl Report for Shown<'_> {
    fn human(&self, _: &Style) -> String {
        self.0.to_toml()
    }
}
