//! placeholder until trawl-gen lands
