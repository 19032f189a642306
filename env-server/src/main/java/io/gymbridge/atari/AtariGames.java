package io.gymbridge.atari;

import java.util.List;
import java.util.Set;

/**
 * The game (ROM) ids of ale-py 0.12.1 and the env ids its registration.py derives from them, so the
 * Java server offers the same ids Gymnasium users type.
 */
public final class AtariGames {
  private AtariGames() {}

  /** Every ROM id ale-py 0.12.1 ships (its roms/md5.json), snake_case as the .bin file names. */
  public static final List<String> ALL =
      List.of(
          "adventure",
          "air_raid",
          "alien",
          "amidar",
          "assault",
          "asterix",
          "asteroids",
          "atlantis2",
          "atlantis",
          "backgammon",
          "bank_heist",
          "basic_math",
          "battle_zone",
          "beam_rider",
          "berzerk",
          "blackjack",
          "bowling",
          "boxing",
          "breakout",
          "carnival",
          "casino",
          "centipede",
          "chopper_command",
          "combat",
          "crazy_climber",
          "crossbow",
          "darkchambers",
          "defender",
          "demon_attack",
          "donkey_kong",
          "double_dunk",
          "earthworld",
          "elevator_action",
          "enduro",
          "entombed",
          "et",
          "fishing_derby",
          "flag_capture",
          "freeway",
          "frogger",
          "frostbite",
          "galaxian",
          "gopher",
          "gravitar",
          "hangman",
          "haunted_house",
          "hero",
          "human_cannonball",
          "ice_hockey",
          "jamesbond",
          "journey_escape",
          "joust",
          "kaboom",
          "kangaroo",
          "keystone_kapers",
          "king_kong",
          "klax",
          "koolaid",
          "krull",
          "kung_fu_master",
          "laser_gates",
          "lost_luggage",
          "mario_bros",
          "maze_craze",
          "miniature_golf",
          "montezuma_revenge",
          "mr_do",
          "ms_pacman",
          "name_this_game",
          "othello",
          "pacman",
          "phoenix",
          "pitfall2",
          "pitfall",
          "pong",
          "pooyan",
          "private_eye",
          "qbert",
          "riverraid",
          "road_runner",
          "robotank",
          "seaquest",
          "sir_lancelot",
          "skiing",
          "solaris",
          "space_invaders",
          "space_war",
          "star_gunner",
          "superman",
          "surround",
          "tennis",
          "tetris",
          "tic_tac_toe_3d",
          "time_pilot",
          "trondead",
          "turmoil",
          "tutankham",
          "up_n_down",
          "venture",
          "video_checkers",
          "video_chess",
          "video_cube",
          "video_pinball",
          "warlords",
          "wizard_of_wor",
          "word_zapper",
          "yars_revenge",
          "zaxxon");

  /** Games without a single-player mode: registration.py gives them no v5 id. */
  public static final Set<String> MULTI_PLAYER_ONLY =
      Set.of("combat", "joust", "maze_craze", "warlords");

  /** registration.py's legacy_games: the games with v0 and v4 ids. */
  public static final Set<String> LEGACY =
      Set.of(
          "adventure",
          "air_raid",
          "alien",
          "amidar",
          "assault",
          "asterix",
          "asteroids",
          "atlantis",
          "bank_heist",
          "battle_zone",
          "beam_rider",
          "berzerk",
          "bowling",
          "boxing",
          "breakout",
          "carnival",
          "centipede",
          "chopper_command",
          "crazy_climber",
          "defender",
          "demon_attack",
          "double_dunk",
          "elevator_action",
          "enduro",
          "fishing_derby",
          "freeway",
          "frostbite",
          "gopher",
          "gravitar",
          "hero",
          "ice_hockey",
          "jamesbond",
          "journey_escape",
          "kangaroo",
          "krull",
          "kung_fu_master",
          "montezuma_revenge",
          "ms_pacman",
          "name_this_game",
          "phoenix",
          "pitfall",
          "pong",
          "pooyan",
          "private_eye",
          "qbert",
          "riverraid",
          "road_runner",
          "robotank",
          "seaquest",
          "skiing",
          "solaris",
          "space_invaders",
          "star_gunner",
          "tennis",
          "time_pilot",
          "tutankham",
          "up_n_down",
          "venture",
          "video_pinball",
          "wizard_of_wor",
          "yars_revenge",
          "zaxxon");

  /**
   * registration.py's {@code rom_id_to_name}: Python's {@code str.title()} (a letter after a
   * non-letter is upper case, every other letter lower case), then the underscores dropped, so
   * "up_n_down" is "UpNDown" and "tic_tac_toe_3d" is "TicTacToe3D".
   */
  public static String envName(String romId) {
    StringBuilder b = new StringBuilder(romId.length());
    boolean afterLetter = false;
    for (int i = 0; i < romId.length(); i++) {
      char c = romId.charAt(i);
      if (Character.isLetter(c)) {
        b.append(afterLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
        afterLetter = true;
      } else {
        afterLetter = false;
        if (c != '_') {
          b.append(c);
        }
      }
    }
    return b.toString();
  }
}
